package io.backpressure.pipeline.config;

import io.backpressure.pipeline.backoff.Backoff;
import java.time.Duration;

/**
 * Retries through delay topics.
 *
 * @param maxAttempts        handler calls per request at most, the first included (1 disables retries)
 * @param backoff            strategy name, see {@link Backoff#named}
 * @param base               backoff base delay
 * @param cap                backoff maximum delay
 * @param budgetTokens       size of the per-instance retry budget (token bucket); 0 turns the budget off
 * @param retryCost          tokens one retry takes
 * @param successRefund      tokens one success gives back
 * @param defaultTtl         deadline of a request that carries none, from its creation; zero for no deadline
 * @param maxPendingPerTask  bound of the timer store per task; when full, the delay topics stop being taken
 * @param releaseInterval    how often due retries are released (jittered)
 * @param retryAfterCap      longest {@code Retry-After} honoured; null for the backoff cap
 */
public record RetrySettings(int maxAttempts, String backoff, Duration base, Duration cap, int budgetTokens, int retryCost,
                            int successRefund, Duration defaultTtl, int maxPendingPerTask, Duration releaseInterval,
                            Duration retryAfterCap) {

    public RetrySettings {
        retryAfterCap = retryAfterCap == null ? cap : retryAfterCap;
        Check.atLeast("pipeline.retry.max-attempts", maxAttempts, 1);
        Check.positive("pipeline.retry.base", base);
        Check.positive("pipeline.retry.cap", cap);
        if (cap.compareTo(base) < 0) {
            throw new IllegalStateException("pipeline.retry.cap (" + Durations.format(cap) + ") must be >= pipeline.retry.base ("
                    + Durations.format(base) + ")");
        }
        Backoff.named(backoff, base, cap);
        Check.atLeast("pipeline.retry.budget.tokens", budgetTokens, 0);
        Check.atLeast("pipeline.retry.budget.retry-cost", retryCost, 1);
        Check.atLeast("pipeline.retry.budget.success-refund", successRefund, 0);
        Check.notNegative("pipeline.retry.default-ttl", defaultTtl);
        Check.atLeast("pipeline.retry.max-pending-per-task", maxPendingPerTask, 1);
        Check.positive("pipeline.retry.release-interval", releaseInterval);
        Check.notNegative("pipeline.retry.retry-after-cap", retryAfterCap);
    }

    /** The longest a retry can wait: a due time further ahead than this was not written by the pipeline. */
    public Duration maxDelay() {
        return cap.compareTo(retryAfterCap) >= 0 ? cap : retryAfterCap;
    }

    public Backoff backoffStrategy() {
        return Backoff.named(backoff, base, cap);
    }
}
