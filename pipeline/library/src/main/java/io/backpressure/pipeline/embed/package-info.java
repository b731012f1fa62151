/**
 * The pipeline as a library: {@link io.backpressure.pipeline.embed.BackpressurePipeline} adds it to an application's
 * own Kafka Streams topology, over the application's own topics, key and value types and serdes.
 */
package io.backpressure.pipeline.embed;
