/**
 * The parts that touch Kafka Streams internals (pinned to Kafka 4.4.0, guarded by {@code CommitOrderContractIT}):
 * the drain-before-commit hook and forwarding finished calls outside {@code process()}.
 */
package io.backpressure.pipeline.topology.internal;
