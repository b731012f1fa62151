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
 * charged only for a retry that will really be scheduled. The server's {@code Retry-After} is a floor on the delay,
 * itself capped, so no answer can park a request past its deadline or overflow a due time.
 *
 * <p>It also judges the retry state a delay-topic record carries ({@link #invalidRetryState}): anyone allowed to
 * produce there could forge it, to skip attempts or to hold a timer entry for ever.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Backoff backoff;
    private final Duration defaultTtl;
    private final RetryBudget budget;
    private final Duration retryAfterCap;
    private final Duration maxDelay;

    public RetryPolicy(RetrySettings settings, RetryBudget budget) {
        this(settings.maxAttempts(), settings.backoffStrategy(), settings.defaultTtl(), budget, settings.retryAfterCap(),
                settings.maxDelay());
    }

    /**
     * @param retryAfterCap the longest {@code Retry-After} honoured
     * @param maxDelay      the longest any retry can wait (the larger of the backoff cap and {@code retryAfterCap})
     */
    public RetryPolicy(int maxAttempts, Backoff backoff, Duration defaultTtl, RetryBudget budget, Duration retryAfterCap,
                       Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.defaultTtl = defaultTtl;
        this.budget = budget;
        this.retryAfterCap = retryAfterCap;
        this.maxDelay = maxDelay;
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
        Duration floor = retryAfter.compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter;
        if (floor.compareTo(delay) > 0) {
            delay = floor;
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

    /**
     * Why the retry state of a record on the delay topic of {@code expectedAttempt} cannot have been written by the
     * pipeline, or null when it is within range. {@code skew} allows for clocks of other instances running ahead.
     */
    public String invalidRetryState(RetryState state, int expectedAttempt, long nowMs, Duration skew) {
        if (state.attempt() != expectedAttempt) {
            return "attempt " + state.attempt() + " on the delay topic of attempt " + expectedAttempt;
        }
        if (state.attempt() < 2 || state.attempt() > maxAttempts) {
            return "attempt " + state.attempt() + " is outside 2.." + maxAttempts;
        }
        long latest = nowMs + maxDelay.toMillis() + skew.toMillis();
        if (state.dueAtMs() > latest) {
            return "due time " + Instant.ofEpochMilli(state.dueAtMs()) + " is further ahead than the longest delay ("
                    + maxDelay.toMillis() + " ms)";
        }
        if (state.firstAttemptAtMs() > nowMs + skew.toMillis()) {
            return "first attempt time " + Instant.ofEpochMilli(state.firstAttemptAtMs()) + " is in the future";
        }
        if (state.dueAtMs() < state.firstAttemptAtMs()) {
            return "due time " + Instant.ofEpochMilli(state.dueAtMs()) + " is before the first attempt "
                    + Instant.ofEpochMilli(state.firstAttemptAtMs());
        }
        if (state.delayMs() < 0 || state.delayMs() > maxDelay.toMillis()) {
            return "delay " + state.delayMs() + " ms is outside 0.." + maxDelay.toMillis() + " ms";
        }
        return null;
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
