/**
 * Backoff strategies as a small functional interface: the delay before a retry is a pure function of the attempt,
 * the previous delay and an injected random draw, so tests check exact values and whole distributions.
 */
package io.backpressure.pipeline.backoff;
