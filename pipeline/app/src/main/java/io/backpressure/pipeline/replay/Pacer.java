package io.backpressure.pipeline.replay;

import java.util.function.LongSupplier;

/**
 * Holds a copy to a rate: the n-th record may go at {@code start + n / rate}, so a short pause (a slow poll, a commit)
 * is made up by sending at once until the schedule is met; after a pause of more than a second the schedule starts
 * again instead. Time is injected.
 */
public final class Pacer {
    /**
     * The pace of {@code replay} when none is given, requests per second: a replay adds little to a downstream sized for
     * the pipeline, and 10,000 drops take under a minute.
     */
    public static final int DEFAULT_PER_SECOND = 200;
    /** No pacing: {@code --rate max}. */
    public static final Pacer UNPACED = new Pacer(0, () -> 0, nanos -> { });

    /** How far behind the schedule may fall and still be made up; beyond it the schedule starts again from now. */
    private static final long MAX_CATCH_UP_NANOS = 1_000_000_000L;

    private final double perSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long startNanos = Long.MIN_VALUE;
    private long sent;

    /** Sleeps for the given nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** @param perSecond records per second; 0 for no pacing */
    public Pacer(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("--rate must be a positive number of requests per second, or max; was " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    public static Pacer of(double perSecond) {
        return perSecond == 0 ? UNPACED : new Pacer(perSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000,
                (int) (nanos % 1_000_000)));
    }

    /** Waits until the next record may go. */
    public void awaitTurn() throws InterruptedException {
        if (perSecond == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
        }
        long due = startNanos + (long) (sent * 1_000_000_000.0 / perSecond);
        if (now - due > MAX_CATCH_UP_NANOS) {
            // Far behind (a long poll, a stop in a debugger): start the schedule again rather than burst to catch up.
            startNanos += now - due;
            due = now;
        }
        if (due > now) {
            sleeper.sleep(due - now);
        }
        sent++;
    }

    /** Records per second; 0 when unpaced. */
    public double perSecond() {
        return perSecond;
    }

    /** How many records fit in about a second: a batch size that keeps each transaction short. */
    public int perBatch() {
        return perSecond == 0 ? 2000 : (int) Math.max(1, Math.min(2000, Math.ceil(perSecond)));
    }
}
