package io.backpressure.pipeline.window;

import io.backpressure.pipeline.config.Check;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bulkhead of {@code capacity} slots, one per handler call in flight, shared by every task of one application
 * instance. A slot is taken before a call starts and given back the moment the call completes (or times out), so
 * {@link #inFlight()} is exactly the number of calls the downstream is working on for this instance.
 * Each task is also held to a fair share of the capacity (see {@link #fairShare()}), so one busy partition cannot
 * starve the others and a task only ever waits for its own calls.
 */
public final class Window {
    private final int capacity;
    private final Semaphore slots;
    private final AtomicInteger tasks = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public Window(int capacity) {
        this.capacity = Check.atLeast("pipeline.window.capacity", capacity, 1);
        this.slots = new Semaphore(capacity);
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

    /** Called when a task starts using the window; the returned value is the new number of tasks. */
    public int registerTask() {
        return tasks.incrementAndGet();
    }

    public void unregisterTask() {
        tasks.decrementAndGet();
    }

    /** Slots one task may hold (calls in flight plus finished calls not yet forwarded): capacity split evenly, at least one. */
    public int fairShare() {
        return Math.max(1, capacity / Math.max(1, tasks.get()));
    }

    private void recordInFlight() {
        maxInFlight.accumulateAndGet(inFlight(), Math::max);
    }
}
