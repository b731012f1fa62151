package io.backpressure.pipeline.simulate.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * Simulated time: actions run in order of their time, ties in the order they were scheduled, so a run is a pure
 * function of its inputs and its random draws. Nothing sleeps; a minute of simulated overload takes milliseconds.
 */
public final class EventLoop {
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** Runs {@code action} at {@code atNanos}; a time in the past means now, after what is already due now. */
    public void at(long atNanos, Runnable action) {
        events.add(new Event(Math.max(atNanos, now), sequence++, action));
    }

    public void after(long delayNanos, Runnable action) {
        at(now + delayNanos, action);
    }

    /** Runs every event, including the ones events schedule, until none is left. */
    public void run() {
        runUntil(Long.MAX_VALUE);
    }

    /** Runs the events due before {@code endNanos}; later ones stay unrun, as work still in progress at the end. */
    public void runUntil(long endNanos) {
        while (!events.isEmpty() && events.peek().time < endNanos) {
            Event next = events.poll();
            now = next.time;
            next.action.run();
        }
    }

    /** Simulated nanoseconds since the start. */
    public long nanos() {
        return now;
    }

    /** Simulated time as an instant, the start being the epoch: what the retry policy's deadlines are measured in. */
    public Instant instant() {
        return Instant.EPOCH.plusNanos(now);
    }

    /** The simulated nanoseconds of an instant produced by {@link #instant()} or derived from one. */
    public static long nanosOf(Instant instant) {
        return Duration.between(Instant.EPOCH, instant).toNanos();
    }

    private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
