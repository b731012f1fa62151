package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TaskClockTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00.000500Z");

    @Test
    void wallTimesFollowTheMonotonicClockFromTheAnchorAndTheAnchorIsRenewedWithinASecond() {
        MutableClock wall = new MutableClock(START);
        AtomicLong monotonic = new AtomicLong(5_000_000_000L);
        TaskClock clock = new TaskClock(wall, monotonic::get, true);
        long startMs = START.toEpochMilli();

        assertEquals(startMs, clock.millis(monotonic.get()));
        // Half a millisecond past the anchor's 0.5 ms: the next millisecond, not truncated to the anchor's.
        assertEquals(startMs + 1, clock.millis(monotonic.get() + 500_000));
        // The wall clock steps 7 ms ahead (an NTP correction): not seen until the anchor is renewed.
        wall.advance(Duration.ofMillis(507));
        monotonic.addAndGet(500_000_000);
        assertEquals(startMs + 500, clock.millis(monotonic.get()));
        assertEquals(startMs + 499, clock.millis(monotonic.get() - 1_000_000), "a reading taken before, as a call's end is");
        wall.advance(Duration.ofMillis(500));
        monotonic.addAndGet(500_000_000);
        assertEquals(startMs + 1_007, clock.millis(monotonic.get()), "a second after the anchor, the wall clock is read again");
        assertEquals(startMs + 1_006, clock.millis(monotonic.get() - 1_000_000));
    }

    @Test
    void anyClockButTheSystemsIsReadForEveryWallTime() {
        MutableClock wall = new MutableClock(START);
        TaskClock clock = TaskClock.of(wall);
        long monotonic = clock.nanos();
        assertEquals(START.toEpochMilli(), clock.millis(monotonic));
        wall.advance(Duration.ofMillis(250));
        assertEquals(START.toEpochMilli() + 250, clock.millis(monotonic), "a test's clock moves without the monotonic clock");
    }

    @Test
    void theSystemClockInAnyZoneGivesWallTimesDerivedFromTheMonotonicClock() {
        for (Clock system : new Clock[] {Clock.systemUTC(), Clock.system(ZoneId.of("Asia/Tokyo"))}) {
            TaskClock clock = TaskClock.of(system);
            long before = System.currentTimeMillis();
            long now = clock.millis(clock.nanos());
            long after = System.currentTimeMillis();
            assertTrue(before - 1 <= now && now <= after + 1, now + " not within " + before + "-" + after);
            // Ten seconds ahead on the monotonic clock: a derived time says so, where a reading of the clock would not.
            long later = clock.millis(clock.nanos() + 10_000_000_000L) - System.currentTimeMillis();
            assertTrue(later >= 9_990 && later <= 10_010, system + ": " + later + " ms ahead, expected 10,000");
        }
    }
}
