/**
 * Benchmarks run by {@code pipeline bench <scenario>} on the real local broker. Each prints a readable table and ends
 * with one {@code RESULT <json>} line holding the figures and the conditions; each compares against a baseline measured
 * in the same run where one applies, since shared machines are noisy.
 */
package io.backpressure.pipeline.bench;
