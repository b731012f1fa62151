/**
 * Retry decisions: the attempt limit, the per-instance retry budget, deadlines, and the due time of the next attempt.
 * Pure logic with injected time and randomness; the delay topics and the timer store that carry retries live in the topology.
 */
package io.backpressure.pipeline.retry;
