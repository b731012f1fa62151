package io.backpressure.pipeline.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    @Test
    void transientFailuresAreRetryableEvenWhenWrapped() {
        assertInstanceOf(Outcome.RetryableFailure.class, FailureClassifier.classify(new TimeoutException()));
        assertInstanceOf(Outcome.RetryableFailure.class,
                FailureClassifier.classify(new CompletionException(new ConnectException("refused"))));
        assertInstanceOf(Outcome.RetryableFailure.class, FailureClassifier.classify(new IllegalStateException("bug")));
    }

    @Test
    void requestErrorsAreNotRetryable() {
        assertInstanceOf(Outcome.NonRetryableFailure.class,
                FailureClassifier.classify(new CompletionException(new IllegalArgumentException("bad payload"))));
        assertInstanceOf(Outcome.NonRetryableFailure.class,
                FailureClassifier.classify(new FailureClassifier.NonRetryableException("never")));
    }

    @Test
    void errorTextIsBounded() {
        String text = FailureClassifier.describe(new RuntimeException("x".repeat(10_000)));
        assertEquals(FailureClassifier.MAX_ERROR_LENGTH, text.length());
        assertEquals("RuntimeException: xx", text.substring(0, 20));
    }

    @Test
    void aFailureNamingAUrlLosesItsCredentialsAndQueryBeforeItReachesAHeaderOrALog() {
        String text = FailureClassifier.describe(new java.io.IOException(
                "connect to https://svc:p4ssw0rd@api.example:8443/v1/work?api_key=k3y failed"));
        assertEquals("IOException: connect to https://[hidden]@api.example:8443/v1/work?[hidden] failed", text);
    }
}
