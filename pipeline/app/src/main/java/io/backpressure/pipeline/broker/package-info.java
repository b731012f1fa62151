/**
 * The embedded local stack: a real single-node Kafka broker (KRaft) and a real Confluent-compatible
 * schema registry, each in a child JVM on loopback. Used by {@code pipeline local}, the demo and the integration tests.
 */
package io.backpressure.pipeline.broker;
