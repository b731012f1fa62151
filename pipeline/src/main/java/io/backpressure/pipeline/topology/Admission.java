package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.window.Window;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Takes a window slot for a task, waiting (bounded) while the window or the task's fair share is full. While it
 * waits it keeps forwarding the task's finished calls, which is what frees the task's share. Kafka Streams stops
 * fetching for a partition whose buffer is full, so while this waits the backlog stays in Kafka as lag.
 */
final class Admission {
    private static final long GLOBAL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Window window;
    private final Duration maxBlock;

    Admission(Window window, Duration maxBlock) {
        this.window = window;
        this.maxBlock = maxBlock;
    }

    /**
     * @param held            slots the task holds now (calls in flight plus finished calls not yet forwarded)
     * @param forwardFinished forwards finished calls, waiting up to the given nanoseconds for one; true if any was forwarded
     */
    void acquire(IntSupplier held, WaitForFinished forwardFinished) {
        long deadline = System.nanoTime() + maxBlock.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new IllegalStateException("no window slot freed within " + maxBlock.toMillis()
                        + " ms although every call times out after pipeline.handler.timeout; the handler's completions are not arriving");
            }
            if (held.getAsInt() >= window.fairShare()) {
                forwardFinished.await(remaining);
                continue;
            }
            if (window.tryAcquire()) {
                return;
            }
            // The instance-wide window is full with other tasks' calls: they free slots as they complete, so poll briefly
            // while still forwarding our own finished work.
            if (!forwardFinished.await(Math.min(remaining, GLOBAL_POLL_NANOS)) && acquireBriefly()) {
                return;
            }
        }
    }

    private boolean acquireBriefly() {
        try {
            return window.tryAcquire(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a window slot", e);
        }
    }

    @FunctionalInterface
    interface WaitForFinished {
        boolean await(long nanos);
    }
}
