package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.Secrets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The single place that decides whether a thrown failure is worth retrying. Transient faults (time-outs, I/O,
 * a handler that is cancelled or rejected) are retryable; failures that say the request itself is wrong
 * ({@link IllegalArgumentException}, {@link UnsupportedOperationException}, {@link NonRetryableException}) are not.
 * Anything else is treated as retryable: a bug in a handler should be visible in the dropped topic after the attempts
 * run out, not lose requests on the first try.
 */
public final class FailureClassifier {
    /** Bounds the error text carried in headers and logs. */
    public static final int MAX_ERROR_LENGTH = 256;

    private FailureClassifier() {
    }

    public static <R> Outcome<R> classify(Throwable failure) {
        Throwable cause = unwrap(failure);
        String error = describe(cause);
        if (cause instanceof NonRetryableException || cause instanceof IllegalArgumentException
                || cause instanceof UnsupportedOperationException) {
            return new Outcome.NonRetryableFailure<>(error);
        }
        // Time-outs, I/O errors, cancellations and everything unexpected: another attempt may succeed.
        return new Outcome.RetryableFailure<>(error);
    }

    /** The failure as one bounded line, with the user info and query string of any URL in it hidden (credentials). */
    public static String describe(Throwable cause) {
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
        return bound(Secrets.redactUrls(text));
    }

    public static String bound(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Thrown (or completed with) by a handler to say the request can never succeed. */
    public static final class NonRetryableException extends RuntimeException {
        public NonRetryableException(String message) {
            super(message);
        }
    }
}
