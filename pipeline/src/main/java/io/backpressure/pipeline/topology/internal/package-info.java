/**
 * The parts that touch Kafka Streams internals (pinned to Kafka 4.1.1, guarded by {@code CommitOrderContractTest}):
 * the drain-before-commit hook and forwarding finished calls outside {@code process()}.
 */
package io.backpressure.pipeline.topology.internal;
