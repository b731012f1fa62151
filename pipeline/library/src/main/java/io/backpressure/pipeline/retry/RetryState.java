package io.backpressure.pipeline.retry;

import io.backpressure.pipeline.outcome.PipelineHeaders;
import org.apache.kafka.common.header.Headers;

/**
 * Where a request stands in its retries: the one value read from and written to a delay-topic record's headers, in
 * this class only. A request from the input topic always starts at {@link #first}: headers there are written by
 * whoever produced the request and are never trusted.
 *
 * @param attempt           the handler call this record is for (1 for the first call)
 * @param firstAttemptAtMs  epoch millis of the request's first call
 * @param delayMs           the backoff waited before this attempt (0 for the first; decorrelated jitter grows from it)
 * @param dueAtMs           epoch millis before which this attempt must not start (the first attempt's own start)
 */
public record RetryState(int attempt, long firstAttemptAtMs, long delayMs, long dueAtMs) {

    public static RetryState first(long nowMs) {
        return new RetryState(1, nowMs, 0, nowMs);
    }

    /** The state of the next attempt, due at {@code dueAtMs} after a backoff of {@code nextDelayMs}. */
    public RetryState next(long nextDueAtMs, long nextDelayMs) {
        return new RetryState(attempt + 1, firstAttemptAtMs, nextDelayMs, nextDueAtMs);
    }

    public void writeTo(Headers headers) {
        PipelineHeaders.put(headers, PipelineHeaders.ATTEMPT, attempt);
        PipelineHeaders.put(headers, PipelineHeaders.FIRST_ATTEMPT_AT, firstAttemptAtMs);
        PipelineHeaders.put(headers, PipelineHeaders.RETRY_DELAY_MS, delayMs);
        PipelineHeaders.put(headers, PipelineHeaders.DUE_AT, dueAtMs);
    }

    /**
     * Reads the state a delay-topic record carries. Every field is required: a record the pipeline wrote has them all,
     * so a missing or malformed one means the record was not written by it (or was damaged).
     *
     * @throws InvalidRetryStateException naming the header and what is wrong with it
     */
    public static RetryState read(Headers headers) {
        long attempt = required(headers, PipelineHeaders.ATTEMPT);
        if (attempt < 1 || attempt > Integer.MAX_VALUE) {
            throw new InvalidRetryStateException(PipelineHeaders.ATTEMPT + " " + attempt + " is not a valid attempt");
        }
        return new RetryState((int) attempt, required(headers, PipelineHeaders.FIRST_ATTEMPT_AT),
                required(headers, PipelineHeaders.RETRY_DELAY_MS), required(headers, PipelineHeaders.DUE_AT));
    }

    private static long required(Headers headers, String name) {
        String value = PipelineHeaders.get(headers, name);
        if (value == null) {
            throw new InvalidRetryStateException("header " + name + " is missing");
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRetryStateException("header " + name + " is not a number: '" + bounded(value) + "'");
        }
    }

    private static String bounded(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }

    /** Retry state that the pipeline did not write, or that is out of range: the record is dropped, never trusted. */
    public static final class InvalidRetryStateException extends RuntimeException {
        public InvalidRetryStateException(String message) {
            super(message, null, false, false);
        }
    }
}
