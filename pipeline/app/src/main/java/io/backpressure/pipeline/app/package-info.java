/** Running the pipeline as a Kafka Streams application: topic setup, wiring of serdes and handler, start and stop. */
package io.backpressure.pipeline.app;
