package io.backpressure.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aWaitingThreadGetsTheSlotTheMomentAnotherThreadReleasesIt() throws Exception {
        Window window = new Window(1);
        assertTrue(window.tryAcquire());
        Thread releaser = new Thread(window::release);
        releaser.start();
        assertTrue(window.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS));
        releaser.join();
        assertEquals(1, window.inFlight());
    }
}
