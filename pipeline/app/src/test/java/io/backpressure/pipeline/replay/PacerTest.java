package io.backpressure.pipeline.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer on a clock of its own: sleeping moves time, so the pace is exact and the test takes no time. */
class PacerTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final Pacer.Sleeper sleeper = now::addAndGet;

    @Test
    void aRateHoldsItsPaceWithinTenPercent() throws InterruptedException {
        Pacer pacer = new Pacer(250, now::get, sleeper);
        long start = now.get();
        for (int i = 0; i < 1000; i++) {
            pacer.awaitTurn();
            now.addAndGet(100_000); // the send itself takes 0.1 ms
        }
        double seconds = (now.get() - start) / 1e9;
        double rate = 1000 / seconds;
        assertEquals(250, rate, 25, "1,000 records at 250/s took " + seconds + " s");
    }

    @Test
    void aShortPauseIsMadeUpButALongOneDoesNotTurnIntoABurst() throws InterruptedException {
        Pacer pacer = new Pacer(100, now::get, sleeper);
        pacer.awaitTurn();
        now.addAndGet(500_000_000L); // half a second lost: 50 records' worth
        long before = now.get();
        for (int i = 0; i < 50; i++) {
            pacer.awaitTurn();
        }
        assertEquals(before, now.get(), "the 50 records behind schedule go at once, no sleep");
        pacer.awaitTurn();
        assertEquals(before + 10_000_000L, now.get(), "then the pace again: 10 ms a record");

        now.addAndGet(60_000_000_000L); // a minute lost
        long resumed = now.get();
        for (int i = 0; i < 100; i++) {
            pacer.awaitTurn();
        }
        assertEquals(resumed + 990_000_000L, now.get(), "after a long pause the schedule starts again: 100 records take 0.99 s");
    }

    @Test
    void aRateThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(-1, now::get, sleeper));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.NaN, now::get, sleeper));
    }
}
