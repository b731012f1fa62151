package io.backpressure.pipeline.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.Await;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoarseWallClockTest {
    private final Clock clock = CoarseWallClock.shared();

    @Test
    void theWallTimeFollowsTheSystemClockWithoutRunningAheadOfIt() {
        long later = System.currentTimeMillis() + 50;
        Await.until("the coarse wall time passed the system clock's reading plus 50 ms", Duration.ofSeconds(5), () -> {
            long coarse = clock.wallTime();
            long system = System.currentTimeMillis();
            assertTrue(coarse <= system, "coarse " + coarse + " ran ahead of the system clock " + system);
            return coarse >= later;
        });
    }

    @Test
    void theMonotonicTimeThatMeasuresDurationsIsExact() {
        long before = System.nanoTime();
        long monotonic = clock.monotonicTime();
        long after = System.nanoTime();
        assertTrue(before <= monotonic && monotonic <= after, before + " <= " + monotonic + " <= " + after);
    }
}
