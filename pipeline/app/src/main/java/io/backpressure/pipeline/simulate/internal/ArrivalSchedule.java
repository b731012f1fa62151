package io.backpressure.pipeline.simulate.internal;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Arrival times of a Poisson process whose rate is constant between breakpoints. Drawn once and replayed to every
 * client compared, so differences between clients come from their policies, not from different traffic.
 */
public final class ArrivalSchedule {
    private ArrivalSchedule() {
    }

    /**
     * @param ratePerSecond arrivals per second at a time; may only change at a breakpoint
     * @param breakpoints   times where the rate changes, in any order
     */
    public static long[] poisson(LongToDoubleFunction ratePerSecond, long[] breakpoints, long endNanos, RandomGenerator random) {
        long[] edges = Arrays.stream(breakpoints).filter(b -> b > 0 && b < endNanos).sorted().distinct().toArray();
        long[] times = new long[1024];
        int count = 0;
        double t = 0;
        int nextEdge = 0;
        while (t < endNanos) {
            long boundary = nextEdge < edges.length ? edges[nextEdge] : endNanos;
            double rate = ratePerSecond.applyAsDouble((long) t);
            // Memorylessness: a gap that crosses the boundary is redrawn from the boundary at the new rate.
            double next = rate > 0 ? t + random.nextExponential() / rate * 1e9 : Double.POSITIVE_INFINITY;
            if (next >= boundary) {
                t = boundary;
                nextEdge++;
                continue;
            }
            t = next;
            if (count == times.length) {
                times = Arrays.copyOf(times, count * 2);
            }
            times[count++] = (long) t;
        }
        return Arrays.copyOf(times, count);
    }
}
