package io.backpressure.pipeline.metrics;

import io.backpressure.pipeline.outcome.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one application instance. */
public final class PipelineStats {
    private final LongAdder handlerCalls = new LongAdder();
    private final LongAdder results = new LongAdder();
    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    private final Map<Integer, LongAdder> retriesByAttempt = new ConcurrentHashMap<>();
    private final AtomicLong retryPending = new AtomicLong();
    private final LongAdder handlerLatencyMillisTotal = new LongAdder();

    public PipelineStats() {
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, new LongAdder());
        }
    }

    public void handlerCall(long latencyMillis) {
        handlerCalls.increment();
        handlerLatencyMillisTotal.add(latencyMillis);
    }

    public void result() {
        results.increment();
    }

    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    /** A retry was scheduled for {@code attempt} (2 for the first retry). */
    public void retryScheduled(int attempt) {
        retriesByAttempt.computeIfAbsent(attempt, a -> new LongAdder()).increment();
    }

    public void retryPending(long delta) {
        retryPending.addAndGet(delta);
    }

    public long handlerCalls() {
        return handlerCalls.sum();
    }

    public long results() {
        return results.sum();
    }

    public long drops(DropReason reason) {
        return drops.get(reason).sum();
    }

    public long dropsTotal() {
        return drops.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<Integer, Long> retriesByAttempt() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        retriesByAttempt.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public long retriesScheduled() {
        return retriesByAttempt.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long retryPending() {
        return retryPending.get();
    }

    public long handlerLatencyMillisTotal() {
        return handlerLatencyMillisTotal.sum();
    }
}
