package io.backpressure.pipeline.handler;

import java.time.Duration;

/**
 * What one handler call came to.
 *
 * @param <R> the type of a successful call's result value
 */
public sealed interface Outcome<R> {

    /** The downstream did the work; {@code value} is written to the results topic with the result serde. */
    record Success<R>(R value) implements Outcome<R> {
    }

    /**
     * The call failed in a way another attempt may fix.
     *
     * @param error      error class and message, already bounded in length
     * @param retryAfter the downstream's own minimum wait before a retry ({@code Retry-After}); zero when it gave none
     * @param overloaded the downstream said it is over capacity (HTTP 429 or 503): the adaptive window shrinks
     */
    record RetryableFailure<R>(String error, Duration retryAfter, boolean overloaded) implements Outcome<R> {
        public RetryableFailure(String error, Duration retryAfter) {
            this(error, retryAfter, false);
        }

        public RetryableFailure(String error) {
            this(error, Duration.ZERO);
        }
    }

    /** The call failed in a way no retry can fix (a malformed request, a 4xx). */
    record NonRetryableFailure<R>(String error) implements Outcome<R> {
    }

    static <R> Outcome<R> success(R value) {
        return new Success<>(value);
    }

    static <R> Outcome<R> retryable(String error) {
        return new RetryableFailure<>(error);
    }

    static <R> Outcome<R> nonRetryable(String error) {
        return new NonRetryableFailure<>(error);
    }
}
