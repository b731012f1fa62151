package io.backpressure.pipeline.retry;

import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.time.Instant;

/** What to do with a request whose call failed retryably. */
public sealed interface RetryDecision {

    /** Publish to the delay topic of {@code attempt}; release no earlier than {@code due}. */
    record Retry(int nextAttempt, Instant due, Duration delay) implements RetryDecision {
    }

    /** Give up: the request goes to the dropped topic with this reason. */
    record Drop(DropReason reason, String detail) implements RetryDecision {
    }
}
