package io.backpressure.pipeline.simulate.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulationArrivalScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    private static long[] schedule(long seed) {
        return ArrivalSchedule.poisson(t -> t < 10 * SECOND ? 1000 : 3000, new long[] {10 * SECOND}, 20 * SECOND,
                new SplittableRandom(seed));
    }

    @Test
    void arrivalsFollowTheRateOfEachStretch() {
        long[] times = schedule(3);
        long before = Arrays.stream(times).filter(t -> t < 10 * SECOND).count();
        long after = times.length - before;
        // Poisson counts have sd = sqrt(mean): 10,000 +- 400 and 30,000 +- 700 are both beyond 4 sd.
        assertEquals(10_000, before, 400);
        assertEquals(30_000, after, 700);
    }

    @Test
    void arrivalsAreSortedAndWithinTheRun() {
        long[] times = schedule(4);
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, times);
        assertEquals(true, times[times.length - 1] < 20 * SECOND);
    }

    @Test
    void sameSeedGivesTheSameArrivals() {
        assertArrayEquals(schedule(5), schedule(5));
    }
}
