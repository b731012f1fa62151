/**
 * The bounded in-flight window: a bulkhead that caps outstanding handler calls per application instance and shares
 * them fairly among the instance's tasks. When it is full the stream thread stops taking records, so the backlog stays in Kafka.
 */
package io.backpressure.pipeline.window;
