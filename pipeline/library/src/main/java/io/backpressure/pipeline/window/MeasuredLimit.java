package io.backpressure.pipeline.window;

import com.netflix.concurrency.limits.Limit;
import java.util.function.Consumer;

/**
 * Turns finished calls into measurements for the control law and keeps what the law was shown. A measurement is
 * the mean latency of the calls that finished in one sample window, the most calls in flight when any of them
 * started, and whether any was refused. A window closes once it has lasted its length and either holds a refusal or
 * measures the mean latency precisely enough: within 3 % (standard error), or 1,000 calls. Until then it goes on
 * collecting. Vegas compares each measurement with the lowest one so far, so noise in the measurements reads as
 * queueing: with 10 calls of a uniform 0-600 ms downstream per window, the lowest mean was 40 % below the true one and
 * the limit shrank from 20 to 10 against a downstream with no queue at all. And windows dropped for holding too few
 * calls (as the library's own {@code WindowedLimit} does) never let the limit move behind a slow downstream (20 calls
 * of 300 ms, half failing, stayed at the initial limit for good). A burst of refusals still counts once per window,
 * so the limit backs off by one step, not one per call.
 *
 * <p>It also keeps the latest measurement and the no-load latency, the lowest measurement of the last one to two
 * minutes (so it follows a downstream whose own speed changes, as the laws' baselines do): what an operator compares
 * the limit with.
 */
final class MeasuredLimit implements Limit {
    static final int MIN_CALLS = 10;
    /** Enough calls to measure the mean within {@link #MAX_RELATIVE_ERROR} for any latency spread seen in practice. */
    static final int ENOUGH_CALLS = 1_000;
    /** The standard error of a window's mean latency, relative to it, below which the window is measured. */
    static final double MAX_RELATIVE_ERROR = 0.03;
    private static final long ERA_NANOS = 60_000_000_000L;

    private final Limit law;
    private final long windowNanos;
    private volatile long lastLatencyNanos;
    private volatile long noLoadNanos;
    private long windowStart = Long.MIN_VALUE;
    private long latencySum;
    private double latencySquares;
    private int calls;
    private int maxInFlight;
    private boolean refused;
    /** The measurement the law is looking at, read by the change listener the law calls from inside {@code onSample}. */
    private long measuredLatencyNanos;
    private int measuredInFlight;
    private boolean measuredRefused;
    private long measuredAtNanos;
    private long eraStart = Long.MIN_VALUE;
    private long eraMin = Long.MAX_VALUE;
    private long previousEraMin = Long.MAX_VALUE;

    MeasuredLimit(Limit law, long windowNanos) {
        this.law = law;
        this.windowNanos = windowNanos;
    }

    /** One finished call, on whatever thread finished it. */
    @Override
    public synchronized void onSample(long startNanos, long latencyNanos, int inFlight, boolean dropped) {
        long end = startNanos + latencyNanos;
        if (windowStart == Long.MIN_VALUE) {
            windowStart = end;
        }
        latencySum += latencyNanos;
        latencySquares += (double) latencyNanos * latencyNanos;
        calls++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        refused |= dropped;
        if (end - windowStart >= windowNanos && (refused || preciseEnough())) {
            measured(startNanos, latencySum / calls, maxInFlight, refused);
            windowStart = end;
            latencySum = 0;
            latencySquares = 0;
            calls = 0;
            maxInFlight = 0;
            refused = false;
        }
    }

    private boolean preciseEnough() {
        if (calls < MIN_CALLS) {
            return false;
        }
        if (calls >= ENOUGH_CALLS) {
            return true;
        }
        double mean = (double) latencySum / calls;
        double variance = Math.max(0, latencySquares / calls - mean * mean);
        return Math.sqrt(variance / calls) <= MAX_RELATIVE_ERROR * mean;
    }

    private void measured(long startNanos, long latencyNanos, int inFlight, boolean dropped) {
        long now = startNanos + latencyNanos;
        if (eraStart == Long.MIN_VALUE || now - eraStart >= ERA_NANOS) {
            eraStart = now;
            previousEraMin = eraMin;
            eraMin = Long.MAX_VALUE;
        }
        if (!dropped) {
            eraMin = Math.min(eraMin, latencyNanos);
        }
        lastLatencyNanos = latencyNanos;
        long noLoad = Math.min(eraMin, previousEraMin);
        noLoadNanos = noLoad == Long.MAX_VALUE ? 0 : noLoad;
        measuredLatencyNanos = latencyNanos;
        measuredInFlight = inFlight;
        measuredRefused = dropped;
        measuredAtNanos = now;
        law.onSample(startNanos, latencyNanos, inFlight, dropped);
    }

    @Override
    public int getLimit() {
        return law.getLimit();
    }

    @Override
    public void notifyOnChange(Consumer<Integer> consumer) {
        law.notifyOnChange(consumer);
    }

    /**
     * Why the limit moved from {@code from} to {@code to}: called by the change listener, which the laws call from inside
     * {@code onSample} (under this lock), so the measurement is the one that moved it.
     */
    LimitChange explain(int from, int to) {
        return LimitChange.of(from, to, measuredLatencyNanos, noLoadNanos, measuredInFlight, measuredRefused, measuredAtNanos);
    }

    /** The mean latency of the last sample window's calls; 0 before the first. */
    long lastLatencyNanos() {
        return lastLatencyNanos;
    }

    /** The lowest sample window's mean latency of the last one to two minutes; 0 before the first. */
    long noLoadLatencyNanos() {
        return noLoadNanos;
    }
}
