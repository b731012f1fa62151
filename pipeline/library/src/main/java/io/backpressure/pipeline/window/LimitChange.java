package io.backpressure.pipeline.window;

import java.time.Duration;
import java.util.Locale;

/**
 * The adaptive limit's latest move and the measurement behind it, so an operator reads why the window is where it is
 * instead of guessing from a chart.
 *
 * @param from         the limit before
 * @param to           the limit after
 * @param cause        what the measurement showed
 * @param latency      the sample window's mean call latency
 * @param noLoad       the lowest mean of the last one to two minutes, the law's idea of an unloaded downstream
 * @param inFlight     the most calls in flight while the sample window's calls started
 * @param atNanos      when, on the {@link System#nanoTime()} scale of the calls' timings
 */
public record LimitChange(int from, int to, Cause cause, Duration latency, Duration noLoad, int inFlight, long atNanos) {

    public enum Cause {
        /** A call in the sample window timed out, or the downstream answered 429 or 503. */
        REFUSED,
        /** Latency rose above the no-load latency: calls are queueing at the downstream. */
        QUEUEING,
        /** Latency stayed near the no-load latency: the downstream had room for more calls. */
        ROOM
    }

    static LimitChange of(int from, int to, long latencyNanos, long noLoadNanos, int inFlight, boolean refused, long atNanos) {
        Cause cause = refused ? Cause.REFUSED : to < from ? Cause.QUEUEING : Cause.ROOM;
        return new LimitChange(from, to, cause, Duration.ofNanos(latencyNanos), Duration.ofNanos(noLoadNanos), inFlight, atNanos);
    }

    /** One sentence: "lowered 120 -> 108: a call timed out or was refused (429/503) with 120 in flight". */
    public String explain() {
        String move = (to < from ? "lowered " : "raised ") + from + " -> " + to + ": ";
        String measured = "latency " + millis(latency) + " against " + millis(noLoad) + " with no load, " + inFlight + " in flight";
        return move + switch (cause) {
            case REFUSED -> "a call timed out or was refused (429/503) with " + inFlight + " in flight";
            case QUEUEING -> measured + ": calls are queueing at the downstream";
            case ROOM -> measured + ": the downstream has room";
        };
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
