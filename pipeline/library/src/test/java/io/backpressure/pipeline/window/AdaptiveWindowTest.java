package io.backpressure.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.WindowSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adaptive limit's wiring, fed with calls on a fake clock: 100 ms sample windows of 50 calls each, every call
 * started with the window full, so only latency and refusals decide where the limit goes. A refusal (a timeout, a
 * 429 or 503) is fed with a short latency, as a 429 comes back: it must still shrink the limit.
 */
class AdaptiveWindowTest {
    private static final long MS = 1_000_000L;

    private long now;

    private static Window window(String law, int capacity, int initial) {
        return Window.of(new WindowSettings(capacity, Duration.ofMillis(200), Duration.ofMillis(10),
                new WindowSettings.Limit(law, initial, 1, Duration.ofMillis(100), 0.9, 1.5)));
    }

    /** {@code windows} sample windows of 50 calls taking {@code latencyMillis}, each started with the whole limit in flight. */
    private void feed(Window window, int windows, long latencyMillis, boolean refused) {
        for (int w = 0; w < windows; w++) {
            for (int call = 0; call < 50; call++) {
                now += 2 * MS;
                window.onCallFinished(now - latencyMillis * MS, latencyMillis * MS, window.limit(), refused);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vegas", "gradient2", "aimd"})
    void growsWhileCallsAnswerAtTheirNoLoadLatency(String law) {
        Window window = window(law, 1000, 20);
        feed(window, 30, 20, false);
        assertTrue(window.limit() > 20, law + " grew from 20 to " + window.limit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vegas", "gradient2"})
    void shrinksWhenLatencyRises(String law) {
        Window window = window(law, 1000, 100);
        feed(window, 20, 20, false);
        int before = window.limit();
        feed(window, 30, 80, false);
        assertTrue(window.limit() < before, law + " went from " + before + " to " + window.limit() + " as latency rose 4x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vegas", "gradient2", "aimd"})
    void shrinksOnTimeoutsAndRefusals(String law) {
        Window window = window(law, 1000, 100);
        feed(window, 5, 20, false);
        int before = window.limit();
        feed(window, 10, 20, true);
        assertTrue(window.limit() < before, law + " went from " + before + " to " + window.limit() + " on timeouts and 429/503");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vegas", "gradient2", "aimd"})
    void neverExceedsTheCapacityNorHandsOutMoreSlots(String law) {
        Window window = window(law, 50, 20);
        feed(window, 300, 20, false);
        assertEquals(50, window.limit());
        for (int i = 0; i < 50; i++) {
            assertTrue(window.tryAcquire());
        }
        assertFalse(window.tryAcquire(), "a 51st slot under a capacity of 50");
    }

    /** Gradient2 reacts to latency relative to its long-term average, not to refusals as such: it levels off above 1. */
    @ParameterizedTest
    @ValueSource(strings = {"vegas", "aimd"})
    void neverGoesBelowOneSoACallCanAlwaysStart(String law) {
        Window window = window(law, 1000, 20);
        feed(window, 300, 150, true);
        assertEquals(1, window.limit());
        assertTrue(window.tryAcquire(), "one call may start with nothing in flight");
        assertFalse(window.tryAcquire());
    }

    @Test
    void aLimitLoweredBelowTheCallsInFlightAdmitsNothingUntilEnoughFinish() {
        Window window = window("aimd", 1000, 40);
        for (int i = 0; i < 40; i++) {
            assertTrue(window.tryAcquire());
        }
        feed(window, 10, 20, true);
        int lowered = window.limit();
        assertTrue(lowered < 40, "limit lowered to " + lowered);
        assertFalse(window.tryAcquire(), "40 in flight, limit " + lowered);
        for (int i = 0; i < 40 - lowered; i++) {
            window.release();
        }
        assertFalse(window.tryAcquire(), "exactly at the limit");
        window.release();
        assertTrue(window.tryAcquire(), "one below the limit");
        assertEquals(lowered, window.inFlight());
    }

    @Test
    void aRaisedLimitWakesTheLauncherWaitingForRoom() throws Exception {
        Window window = window("aimd", 1000, 20);
        for (int i = 0; i < 20; i++) {
            assertTrue(window.tryAcquire());
        }
        RoomWaiter launcher = RoomWaiter.waitingFor(window, 1);
        feed(window, 5, 20, false);
        assertTrue(window.limit() > 20, "limit raised to " + window.limit());
        assertTrue(launcher.wokenSoon(), "woken by the raise, with every call still in flight, not by its 30 s bound");
        assertTrue(window.tryAcquire());
    }

    @Test
    void aFixedWindowIgnoresLatency() {
        Window window = window("fixed", 300, 20);
        feed(window, 50, 150, true);
        assertEquals(300, window.limit());
        assertFalse(window.isAdaptive());
    }

    @Test
    void reportsTheNoLoadAndTheLatestLatency() {
        Window window = window("vegas", 1000, 20);
        feed(window, 10, 20, false);
        feed(window, 10, 35, false);
        assertEquals(Duration.ofMillis(20), window.noLoadLatency());
        assertEquals(Duration.ofMillis(35), window.measuredLatency());
    }

    @Test
    void saysWhyTheLimitLastMoved() {
        Window window = window("vegas", 1000, 100);
        assertNull(window.lastChange(), "no move yet");
        feed(window, 20, 20, false);
        LimitChange raised = window.lastChange();
        assertEquals(LimitChange.Cause.ROOM, raised.cause());
        assertTrue(raised.to() > raised.from() && raised.to() == window.limit(), raised.explain());
        assertEquals(Duration.ofMillis(20), raised.latency());

        feed(window, 5, 80, false);
        LimitChange queueing = window.lastChange();
        assertEquals(LimitChange.Cause.QUEUEING, queueing.cause(), queueing.explain());
        assertTrue(queueing.to() < queueing.from());
        assertEquals(Duration.ofMillis(80), queueing.latency());
        assertEquals(Duration.ofMillis(20), queueing.noLoad());
        assertEquals("lowered " + queueing.from() + " -> " + queueing.to() + ": latency 80.0 ms against 20.0 ms with no load, "
                + queueing.inFlight() + " in flight: calls are queueing at the downstream", queueing.explain());

        feed(window, 3, 20, true);
        LimitChange refused = window.lastChange();
        assertEquals(LimitChange.Cause.REFUSED, refused.cause(), refused.explain());
        assertEquals(window.limit(), refused.to());
    }

    @Test
    void aFixedWindowNeverMoves() {
        Window window = window("fixed", 300, 20);
        feed(window, 20, 150, true);
        assertNull(window.lastChange());
    }
}
