package io.backpressure.pipeline.window;

import com.netflix.concurrency.limits.Limit;
import java.util.function.Consumer;

/**
 * Sits between the sampling window and the control law and keeps what the law was shown: the latest measured
 * latency and the no-load latency, the lowest measurement of the last one to two minutes (so it follows a downstream
 * whose own speed changes, as the laws' baselines do). These are what an operator compares the limit with.
 */
final class MeasuredLimit implements Limit {
    private static final long ERA_NANOS = 60_000_000_000L;

    private final Limit law;
    private Limit sampler;
    private volatile long lastLatencyNanos;
    private volatile long noLoadNanos;
    private long eraStartNanos = Long.MIN_VALUE;
    private long eraMin = Long.MAX_VALUE;
    private long previousEraMin = Long.MAX_VALUE;

    MeasuredLimit(Limit law) {
        this.law = law;
    }

    /** @return this limit, fed through {@code sampler} (which calls {@link #onSample} once per sample window) */
    MeasuredLimit windowed(Limit sampler) {
        this.sampler = sampler;
        return this;
    }

    /** One finished call; the sampler aggregates calls and passes one measurement per sample window on. */
    void sample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
        sampler.onSample(startNanos, rttNanos, inFlight, dropped);
    }

    /** One sample window's measurement; called by the sampler, one thread at a time. */
    @Override
    public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
        long now = startNanos + rttNanos;
        if (eraStartNanos == Long.MIN_VALUE || now - eraStartNanos >= ERA_NANOS) {
            eraStartNanos = now;
            previousEraMin = eraMin;
            eraMin = Long.MAX_VALUE;
        }
        if (!dropped) {
            eraMin = Math.min(eraMin, rttNanos);
        }
        lastLatencyNanos = rttNanos;
        long noLoad = Math.min(eraMin, previousEraMin);
        noLoadNanos = noLoad == Long.MAX_VALUE ? 0 : noLoad;
        law.onSample(startNanos, rttNanos, inFlight, dropped);
    }

    @Override
    public int getLimit() {
        return law.getLimit();
    }

    @Override
    public void notifyOnChange(Consumer<Integer> consumer) {
        law.notifyOnChange(consumer);
    }

    /** The average latency of the last sample window's calls; 0 before the first. */
    long lastLatencyNanos() {
        return lastLatencyNanos;
    }

    /** The lowest sample window's average latency of the last one to two minutes; 0 before the first. */
    long noLoadLatencyNanos() {
        return noLoadNanos;
    }
}
