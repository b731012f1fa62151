package io.backpressure.pipeline.simulate;

import java.util.OptionalInt;

/**
 * When a client has recovered from an overload: the first second, counted from the end of the trigger, from which
 * goodput stays at or above {@value #GOODPUT_FRACTION} of arrivals for {@value #HOLD_SECONDS} consecutive seconds.
 * Holding for several seconds keeps a lucky second inside a collapse from counting as recovery.
 */
public final class Recovery {
    public static final double GOODPUT_FRACTION = 0.95;
    public static final int HOLD_SECONDS = 5;

    private Recovery() {
    }

    /** Seconds after {@code fromSecond} until recovery; empty if it never holds within the series. */
    public static OptionalInt secondsAfter(int fromSecond, int[] arrivals, int[] goodput) {
        for (int start = Math.max(0, fromSecond); start + HOLD_SECONDS <= arrivals.length; start++) {
            if (holds(start, arrivals, goodput)) {
                return OptionalInt.of(start - fromSecond);
            }
        }
        return OptionalInt.empty();
    }

    private static boolean holds(int start, int[] arrivals, int[] goodput) {
        for (int s = start; s < start + HOLD_SECONDS; s++) {
            if (goodput[s] < GOODPUT_FRACTION * arrivals[s]) {
                return false;
            }
        }
        return true;
    }
}
