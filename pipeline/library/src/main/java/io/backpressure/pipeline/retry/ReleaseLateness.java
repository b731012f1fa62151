package io.backpressure.pipeline.retry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late retries were released after their due time, in 1 ms buckets up to a minute (later ones share the last
 * bucket), plus a count of any released before their due time, which must stay zero. The buckets serve the
 * benchmarks' exact percentiles; with a registry the same releases are exported as a histogram timer
 * ({@code pipeline_retry_release_lateness_seconds_bucket}, which adds up across instances in PromQL) and counters
 * ({@code pipeline_retries_released_total}, {@code pipeline_retries_released_early_total}).
 */
public final class ReleaseLateness {
    private static final int BUCKETS = 60_001;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong early = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final Timer timer;

    /** Counts only: for the benchmarks' before-and-after copies. */
    public ReleaseLateness() {
        this.timer = null;
    }

    public ReleaseLateness(MeterRegistry registry, Tags tags) {
        this.timer = Timer.builder("pipeline.retry.release.lateness").description("how long after their due time retries were released")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
                .tags(tags).register(registry);
        FunctionCounter.builder("pipeline.retries.released", this, ReleaseLateness::released).description("retries released")
                .tags(tags).register(registry);
        FunctionCounter.builder("pipeline.retries.released.early", this, ReleaseLateness::releasedEarly)
                .description("retries released before their due time (must stay 0)").tags(tags).register(registry);
    }

    public void record(long dueMillis, long releasedMillis) {
        long late = releasedMillis - dueMillis;
        if (late < 0) {
            early.incrementAndGet();
            return;
        }
        if (timer != null) {
            timer.record(late, TimeUnit.MILLISECONDS);
        }
        counts.incrementAndGet((int) Math.min(late, BUCKETS - 1));
        total.incrementAndGet();
        max.accumulateAndGet(late, Math::max);
    }

    public long released() {
        return total.get() + early.get();
    }

    public long releasedEarly() {
        return early.get();
    }

    public long maxMillis() {
        return max.get();
    }

    /** What was recorded since {@code earlier} (a copy taken with {@link #copy()}): for measuring after a warm-up. */
    public ReleaseLateness since(ReleaseLateness earlier) {
        ReleaseLateness diff = new ReleaseLateness();
        for (int i = 0; i < BUCKETS; i++) {
            long n = counts.get(i) - earlier.counts.get(i);
            diff.counts.set(i, n);
            diff.total.addAndGet(n);
            if (n > 0) {
                diff.max.set(i);
            }
        }
        diff.early.set(early.get() - earlier.early.get());
        return diff;
    }

    public ReleaseLateness copy() {
        return since(new ReleaseLateness());
    }

    /** The lateness (ms) at or below which {@code quantile} of the releases fell; 0 when none. */
    public long percentileMillis(double quantile) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }
}
