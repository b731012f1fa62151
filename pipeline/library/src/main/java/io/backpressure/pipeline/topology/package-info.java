/**
 * The Kafka Streams topology: {@link io.backpressure.pipeline.topology.PipelineTopology#build} as a pure function of
 * the configuration, and the processor that admits requests into the window, dispatches them to the handler and routes
 * each outcome to the results or dropped topic.
 */
package io.backpressure.pipeline.topology;
