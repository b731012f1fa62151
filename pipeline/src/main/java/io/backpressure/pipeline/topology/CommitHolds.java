package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.PipelineStats;

/**
 * Measures how long each commit holds a stream thread. Kafka Streams commits all tasks of a thread in one go, calling
 * every task's pre-commit hook, then flushing the producer and committing offsets (or the transaction); the thread
 * processes nothing meanwhile. A commit starts at the first hook and ends when the thread next hands this instance a
 * record or a punctuation, so the figure covers Kafka's own flush and commit too (and a poll that returns at once).
 */
final class CommitHolds {
    private final PipelineStats stats;
    /** Per stream thread: when its current commit's first hook ran, 0 outside a commit. */
    private final ThreadLocal<long[]> started = ThreadLocal.withInitial(() -> new long[1]);

    CommitHolds(PipelineStats stats) {
        this.stats = stats;
    }

    /** A task's pre-commit hook is starting on this thread. */
    void hookStarting() {
        long[] start = started.get();
        if (start[0] == 0) {
            start[0] = System.nanoTime();
        }
    }

    /** The thread is processing again: a commit it was in, if any, has ended. */
    void working() {
        long[] start = started.get();
        if (start[0] != 0) {
            stats.commitHeld(System.nanoTime() - start[0]);
            start[0] = 0;
        }
    }
}
