package io.backpressure.pipeline.handler;

import java.time.Duration;

/** What one handler call came to. */
public sealed interface Outcome {

    /** The downstream did the work. */
    record Success(byte[] output) implements Outcome {
    }

    /**
     * The call failed in a way another attempt may fix.
     *
     * @param error      error class and message, already bounded in length
     * @param retryAfter the downstream's own minimum wait before a retry ({@code Retry-After}); zero when it gave none
     * @param overloaded the downstream said it is over capacity (HTTP 429 or 503): the adaptive window shrinks
     */
    record RetryableFailure(String error, Duration retryAfter, boolean overloaded) implements Outcome {
        public RetryableFailure(String error, Duration retryAfter) {
            this(error, retryAfter, false);
        }

        public RetryableFailure(String error) {
            this(error, Duration.ZERO);
        }
    }

    /** The call failed in a way no retry can fix (a malformed request, a 4xx). */
    record NonRetryableFailure(String error) implements Outcome {
    }

    static Outcome success(byte[] output) {
        return new Success(output);
    }
}
