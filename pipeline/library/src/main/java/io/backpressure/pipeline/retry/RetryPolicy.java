package io.backpressure.pipeline.retry;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.config.RetrySettings;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Decides, in one place, the fate of every request: whether it may be called ({@link #beforeCall}) and what becomes of
 * a call's outcome ({@link #afterCall}): delivered, retried with a due time, or dropped with a reason. For a retryable
 * failure the checks run cheapest and most final first: the attempt limit, then the deadline (a retry due after it
 * would be wasted work), then the budget. The server's {@code Retry-After} is a floor on the delay, itself capped, so
 * no answer can park a request past its deadline or overflow a due time.
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
     * Whether a request may be called now, at attempt {@code state.attempt()}: a drop when its deadline has passed (the
     * call would be wasted work), else null.
     *
     * @param deadline the request's deadline; null for none
     */
    public Fate.Drop beforeCall(RetryState state, Instant deadline, Instant now) {
        if (deadline != null && !now.isBefore(deadline)) {
            return new Fate.Drop(DropReason.DEADLINE_EXCEEDED, "deadline " + deadline + " passed before attempt " + state.attempt());
        }
        return null;
    }

    /**
     * The fate of a finished call, from where the request stands, the call's outcome and the time: the one place every
     * outcome is decided, for the processor and the simulations alike. Pure apart from the retry budget, which a
     * success refills and a scheduled retry charges.
     *
     * @param state    the state of the attempt that finished
     * @param deadline the request's deadline; null for none
     */
    public Fate afterCall(RetryState state, Instant deadline, Outcome<?> outcome, Instant now, RandomGenerator random) {
        if (outcome instanceof Outcome.Success<?>) {
            budget.onSuccess();
            return Fate.DELIVER;
        }
        if (outcome instanceof Outcome.NonRetryableFailure<?> failure) {
            return new Fate.Drop(DropReason.NON_RETRYABLE, failure.error());
        }
        Outcome.RetryableFailure<?> failure = (Outcome.RetryableFailure<?>) outcome;
        return retryOrDrop(state, failure.retryAfter(), deadline, now, random, failure.error());
    }

    /**
     * A retryable failure: another attempt if the attempt limit, the deadline and the budget allow it, checked cheapest
     * and most final first; the budget is charged only for a retry that will really be scheduled.
     */
    private Fate retryOrDrop(RetryState state, Duration retryAfter, Instant deadline, Instant now, RandomGenerator random,
                             String error) {
        int attempt = state.attempt();
        if (attempt >= maxAttempts) {
            return new Fate.Drop(DropReason.RETRIES_EXHAUSTED, error);
        }
        Duration delay = backoff.delay(attempt, Duration.ofMillis(state.delayMs()), random);
        Duration floor = retryAfter.compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter;
        if (floor.compareTo(delay) > 0) {
            delay = floor;
        }
        Instant due = now.plus(delay);
        if (deadline != null && due.isAfter(deadline)) {
            return new Fate.Drop(DropReason.DEADLINE_EXCEEDED, error);
        }
        if (!budget.tryAcquireRetry()) {
            return new Fate.Drop(DropReason.RETRY_BUDGET_EXHAUSTED, error);
        }
        return new Fate.Retry(state.next(due.toEpochMilli(), delay.toMillis()), due, delay);
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
