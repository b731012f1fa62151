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
    void fairShareSplitsCapacityAmongTasksButNeverBelowOne() {
        Window window = new Window(10);
        assertEquals(10, window.fairShare());
        window.registerTask();
        window.registerTask();
        window.registerTask();
        assertEquals(3, window.fairShare());
        for (int i = 0; i < 20; i++) {
            window.registerTask();
        }
        assertEquals(1, window.fairShare());
    }
}
