package io.backpressure.pipeline.retry;

/**
 * A token bucket shared by every task of one instance, as in the AWS SDK's standard retry mode: a retry takes
 * {@code retryCost} tokens, a success gives back {@code successRefund}, and when the bucket is empty retries are
 * refused. In steady state that caps retries at roughly refund/cost of the successes, so a failing downstream sees
 * about one call per request instead of {@code maxAttempts}.
 */
public final class RetryBudget {
    private final int capacity;
    private final int retryCost;
    private final int successRefund;
    private int tokens;

    private RetryBudget(int capacity, int retryCost, int successRefund) {
        this.capacity = capacity;
        this.retryCost = retryCost;
        this.successRefund = successRefund;
        this.tokens = capacity;
    }

    /** A budget of {@code capacity} tokens; a capacity of 0 means no budget (every retry allowed). */
    public static RetryBudget of(int capacity, int retryCost, int successRefund) {
        return new RetryBudget(capacity, retryCost, successRefund);
    }

    public boolean enabled() {
        return capacity > 0;
    }

    /** Takes the cost of one retry; false (and nothing taken) if the bucket cannot pay for it. */
    public synchronized boolean tryAcquireRetry() {
        if (!enabled()) {
            return true;
        }
        if (tokens < retryCost) {
            return false;
        }
        tokens -= retryCost;
        return true;
    }

    public synchronized void onSuccess() {
        if (enabled()) {
            tokens = Math.min(capacity, tokens + successRefund);
        }
    }

    public synchronized int tokens() {
        return enabled() ? tokens : 0;
    }
}
