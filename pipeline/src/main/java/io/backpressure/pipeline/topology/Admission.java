package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.window.Window;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Takes a window slot for a call, waiting (bounded) while the instance's window is full. A slot frees the moment any
 * call of any task completes or times out (on the thread that finishes it), so waiting never depends on another task
 * being processed; while it waits it forwards this task's finished calls. Kafka Streams stops fetching for partitions
 * whose buffers fill meanwhile, so the backlog stays in Kafka as lag.
 */
final class Admission {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Window window;
    private final Duration maxBlock;

    Admission(Window window, Duration maxBlock) {
        this.window = window;
        this.maxBlock = maxBlock;
    }

    /** @param forwardFinished forwards the task's finished calls without waiting */
    void acquire(Runnable forwardFinished) {
        if (window.tryAcquire()) {
            return;
        }
        long deadline = System.nanoTime() + maxBlock.toNanos();
        try {
            while (!window.tryAcquire(SLICE_NANOS, TimeUnit.NANOSECONDS)) {
                forwardFinished.run();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no window slot freed within " + maxBlock.toMillis()
                            + " ms although every call times out after pipeline.handler.timeout; the handler's completions are not arriving");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a window slot", e);
        }
    }
}
