package io.backpressure.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void refusesPastCapacityAndCountsInFlight() {
        Window window = new Window(2);
        assertTrue(window.tryAcquire());
        assertTrue(window.tryAcquire());
        assertFalse(window.tryAcquire());
        assertEquals(2, window.inFlight());
        window.release();
        assertEquals(1, window.inFlight());
        assertTrue(window.tryAcquire());
        assertEquals(2, window.maxInFlight());
    }

    @Test
    void theLauncherWaitingForRoomWakesWhenEnoughSlotsAreFreeNotAfterItsWait() throws Exception {
        Window window = new Window(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(window.tryAcquire());
        }
        RoomWaiter launcher = RoomWaiter.waitingFor(window, 2);
        window.release();
        window.release();
        assertTrue(launcher.wokenSoon(), "woken by the release that freed the second slot, not by its 30 s bound");
        assertEquals(2, window.inFlight());
    }

    @Test
    void waitingForRoomThatIsAlreadyFreeReturnsAtOnce() {
        Window window = new Window(4);
        assertTrue(window.tryAcquire());
        long started = System.nanoTime();
        window.awaitRoom(3, TimeUnit.SECONDS.toNanos(30));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    }
}
