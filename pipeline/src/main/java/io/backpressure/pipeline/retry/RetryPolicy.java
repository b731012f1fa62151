package io.backpressure.pipeline.retry;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.config.RetrySettings;
import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Decides, in one place, whether a retryable failure gets another attempt. The checks run cheapest and most final
 * first: the attempt limit, then the deadline (a retry due after it would be wasted work), then the budget, which is
 * charged only for a retry that will really be scheduled. The server's {@code Retry-After} is a floor on the delay.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Backoff backoff;
    private final Duration defaultTtl;
    private final RetryBudget budget;

    public RetryPolicy(RetrySettings settings, RetryBudget budget) {
        this(settings.maxAttempts(), settings.backoffStrategy(), settings.defaultTtl(), budget);
    }

    public RetryPolicy(int maxAttempts, Backoff backoff, Duration defaultTtl, RetryBudget budget) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.defaultTtl = defaultTtl;
        this.budget = budget;
    }

    /**
     * @param attempt       the attempt that just failed (1 for the first call)
     * @param previousDelay the delay before that attempt; zero for the first call
     * @param retryAfter    the downstream's minimum wait; zero for none
     */
    public RetryDecision decide(int attempt, Duration previousDelay, Duration retryAfter, Instant deadline, Instant now,
                                RandomGenerator random) {
        if (attempt >= maxAttempts) {
            return new RetryDecision.Drop(DropReason.RETRIES_EXHAUSTED, attempt + " of " + maxAttempts + " attempts failed");
        }
        Duration delay = backoff.delay(attempt, previousDelay, random);
        if (retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        Instant due = now.plus(delay);
        if (deadline != null && due.isAfter(deadline)) {
            return new RetryDecision.Drop(DropReason.DEADLINE_EXCEEDED, "retry due " + due + " would be after the deadline " + deadline);
        }
        if (!budget.tryAcquireRetry()) {
            return new RetryDecision.Drop(DropReason.RETRY_BUDGET_EXHAUSTED, "retry budget empty");
        }
        return new RetryDecision.Retry(attempt + 1, due, delay);
    }

    /** The request's own deadline, or its creation plus the default time-to-live; null when neither applies. */
    public Instant deadlineOf(Instant requestDeadline, Instant createdAt) {
        if (requestDeadline != null) {
            return requestDeadline;
        }
        return defaultTtl.isZero() ? null : createdAt.plus(defaultTtl);
    }

    public RetryBudget budget() {
        return budget;
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
