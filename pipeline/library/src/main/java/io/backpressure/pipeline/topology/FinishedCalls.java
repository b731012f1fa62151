package io.backpressure.pipeline.topology;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A task's finished calls, handed from whichever thread completes them to the stream thread, which looks here for
 * every record. Without locks: a completion is one enqueue, and taking a call is one dequeue, where a blocking queue
 * took a lock on each side (and signalled) for every call. Only the stream thread waits here, in the pre-commit hook.
 */
final class FinishedCalls {
    /** Longest single wait: a year, so a deadline computed from it cannot overflow. */
    private static final long MAX_WAIT_NANOS = 365L * 24 * 3600 * 1_000_000_000L;

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private volatile Thread waiter;

    void add(Call call) {
        calls.add(call);
        // Enqueue, then look for a waiter; the waiter registers, then looks at the queue: one of them sees the other.
        Thread waiting = waiter;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** The oldest finished call, or null. */
    Call poll() {
        return calls.poll();
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    /** Waits up to {@code nanos} for a finished call; null if none came in time. For one waiting thread. */
    Call poll(long nanos) throws InterruptedException {
        Call call = calls.poll();
        if (call != null || nanos <= 0) {
            return call;
        }
        long deadline = System.nanoTime() + Math.min(nanos, MAX_WAIT_NANOS);
        waiter = Thread.currentThread();
        try {
            while ((call = calls.poll()) == null) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return call;
        } finally {
            waiter = null;
        }
    }
}
