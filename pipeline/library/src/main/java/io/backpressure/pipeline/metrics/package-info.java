/**
 * What the pipeline counts about itself: outcomes, drops by reason, retries by attempt, handler latency and pending
 * retries. Plain thread-safe counters, read by the CLI, the benchmarks and the metrics endpoint.
 */
package io.backpressure.pipeline.metrics;
