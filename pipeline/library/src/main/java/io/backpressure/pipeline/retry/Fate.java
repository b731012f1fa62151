package io.backpressure.pipeline.retry;

import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.time.Instant;

/** What becomes of a request at a decision point: {@link RetryPolicy#beforeCall} and {@link RetryPolicy#afterCall}. */
public sealed interface Fate {

    /** Its result goes to the results topic. */
    Deliver DELIVER = new Deliver();

    /** The call succeeded: its result goes to the results topic. */
    record Deliver() implements Fate {
    }

    /**
     * Another attempt: the request goes to the delay topic of the attempt that failed, with {@code next} in its headers.
     *
     * @param due   when the next attempt may start (exactly; {@code next} holds it in milliseconds)
     * @param delay the backoff before it
     */
    record Retry(RetryState next, Instant due, Duration delay) implements Fate {
    }

    /**
     * Give up: the request goes to the dropped topic.
     *
     * @param error what goes into {@code pipeline.last.error}: the last call's error, or why no call was made
     */
    record Drop(DropReason reason, String error) implements Fate {
    }
}
