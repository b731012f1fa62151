package io.backpressure.pipeline.topology;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * A task's clock, for one stream thread: one monotonic reading per request serves both as its call's start (for the
 * call's latency) and, through {@link #millis}, as its wall time (the first attempt's time, the deadline check); the
 * call's end serves as the time its outcome is routed at. Reading the wall clock as well cost two more clock reads per
 * request, each tens of nanoseconds on these machines: the largest item left in the stream thread's profile beyond a
 * plain pass-through's.
 *
 * <p>With the system clock, the wall time follows from the monotonic one through an anchor (a reading of both) renewed
 * at most {@value #ANCHOR_NANOS} ns after it was taken, so a step of the wall clock shows within a second (NTP's
 * slewing changes the rate of both clocks alike). With any other clock (a test's), every wall time is that clock's own
 * reading.
 */
final class TaskClock {
    static final long ANCHOR_NANOS = 1_000_000_000L;
    private static final Class<?> SYSTEM_CLOCK = Clock.systemUTC().getClass();

    private final Clock wall;
    private final LongSupplier monotonic;
    private final boolean derived;
    private long anchorNanos;
    private long anchorEpochNanos;

    /**
     * @param derived whether wall times follow from the monotonic clock (true for the system clock), rather than being
     *                read from {@code wall} each time
     */
    TaskClock(Clock wall, LongSupplier monotonic, boolean derived) {
        this.wall = wall;
        this.monotonic = monotonic;
        this.derived = derived;
        if (derived) {
            anchor();
        }
    }

    /** The clock of a task: derived wall times for the system clock in any zone, the clock's own readings for any other. */
    static TaskClock of(Clock clock) {
        return new TaskClock(clock, System::nanoTime, clock.getClass() == SYSTEM_CLOCK);
    }

    /** The monotonic clock, in nanoseconds from an arbitrary origin. */
    long nanos() {
        return monotonic.getAsLong();
    }

    /** The wall time, in epoch milliseconds, at the monotonic reading {@code nanos} (taken by {@link #nanos} lately). */
    long millis(long nanos) {
        if (!derived) {
            return wall.millis();
        }
        if (nanos - anchorNanos >= ANCHOR_NANOS) {
            anchor();
        }
        return Math.floorDiv(anchorEpochNanos + (nanos - anchorNanos), 1_000_000L);
    }

    /**
     * The monotonic clock first, then the wall clock: derived times then run ahead of the wall clock by the time between
     * the two reads (nanoseconds), never behind it, so an outcome is never stamped before the wall-clock time its call
     * was released at.
     */
    private void anchor() {
        anchorNanos = monotonic.getAsLong();
        Instant now = wall.instant();
        anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
