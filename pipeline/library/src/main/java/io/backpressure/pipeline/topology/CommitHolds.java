package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.PipelineStats;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures how long each commit holds a stream thread, and how much of that is the pipeline's own pre-commit hooks.
 * Kafka Streams commits all tasks of a thread in one go, calling every task's pre-commit hook, then flushing the
 * producer and committing offsets (or the transaction); the thread processes nothing meanwhile. A commit starts at the
 * first hook and ends when the thread next hands this instance a record or a punctuation, so the hold covers Kafka's
 * own flush and commit too (and a poll that returns at once).
 */
final class CommitHolds {
    private final PipelineStats stats;
    /** Per stream thread: when its current commit's first hook started (0 outside a commit), and its hooks' total. */
    private final ThreadLocal<long[]> current = ThreadLocal.withInitial(() -> new long[2]);
    /** How many threads are in a commit: {@link #working} runs before every record, and is a single read when none is. */
    private final AtomicInteger inCommit = new AtomicInteger();

    CommitHolds(PipelineStats stats) {
        this.stats = stats;
    }

    /** A task's pre-commit hook is starting on this thread; returns the time to pass to {@link #hookDone}. */
    long hookStarting() {
        long now = System.nanoTime();
        long[] commit = current.get();
        if (commit[0] == 0) {
            commit[0] = now;
            commit[1] = 0;
            inCommit.incrementAndGet();
        }
        return now;
    }

    void hookDone(long startedNanos) {
        current.get()[1] += System.nanoTime() - startedNanos;
    }

    /** The thread is processing again: a commit it was in, if any, has ended. */
    void working() {
        if (inCommit.get() == 0) {
            return;
        }
        long[] commit = current.get();
        if (commit[0] != 0) {
            stats.commitHeld(System.nanoTime() - commit[0], commit[1]);
            commit[0] = 0;
            inCommit.decrementAndGet();
        }
    }
}
