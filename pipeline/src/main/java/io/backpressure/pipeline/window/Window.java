package io.backpressure.pipeline.window;

import io.backpressure.pipeline.config.Check;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bulkhead of {@code capacity} slots, one per handler call in flight, shared by every task of one application
 * instance. A slot is taken before a call starts and given back the moment the call completes (or times out), so
 * {@link #inFlight()} is exactly the number of calls the downstream is working on for this instance. The window is
 * work-conserving: one busy task may use all of it. Tasks share it fairly because waiting stream threads get slots in
 * arrival order and each thread processes its tasks round-robin.
 */
public final class Window {
    private final int capacity;
    private final Semaphore slots;
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public Window(int capacity) {
        this.capacity = Check.atLeast("pipeline.window.capacity", capacity, 1);
        // Fair: stream threads waiting for a slot get them in arrival order, so no thread starves another.
        this.slots = new Semaphore(capacity, true);
    }

    public boolean tryAcquire() {
        if (slots.tryAcquire()) {
            recordInFlight();
            return true;
        }
        return false;
    }

    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        if (slots.tryAcquire(timeout, unit)) {
            recordInFlight();
            return true;
        }
        return false;
    }

    public void release() {
        slots.release();
    }

    public int capacity() {
        return capacity;
    }

    public int inFlight() {
        return capacity - slots.availablePermits();
    }

    /** The highest {@link #inFlight()} ever seen; a test and a metric, not a control. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void recordInFlight() {
        maxInFlight.accumulateAndGet(inFlight(), Math::max);
    }
}
