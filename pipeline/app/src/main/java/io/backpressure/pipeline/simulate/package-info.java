/**
 * Seeded discrete-event simulations that run the pipeline's own decision code ({@code Backoff}, {@code RetryPolicy},
 * {@code RetryBudget}, {@code Window}) in simulated time: the 2015 backoff-and-jitter contention study and a
 * metastable-overload comparison of a naive retrying client with the pipeline's policy.
 */
package io.backpressure.pipeline.simulate;
