package io.backpressure.pipeline.topology;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The calls of every task of one application instance in the order they started, for timing them out. Shared, not
 * per task, because the window is: a stream thread waiting for a slot must be able to expire the overdue calls of
 * whichever task holds the slots. Otherwise, with a downstream so loaded that it answers nothing within the timeout,
 * one task's unexpired calls hold every slot while another task waits for one (measured: the stream thread failed
 * after its blocking bound under a fixed window of 1,000 against 100 workers with a 200 ms timeout).
 *
 * <p>Every call has the same timeout, so the start order is the deadline order and only the head needs looking at.
 * Any thread may add; expiring is serialized, so the head one thread looks at is the head it removes.
 */
public final class CallTimeouts {
    private final ConcurrentLinkedQueue<Entry> started = new ConcurrentLinkedQueue<>();

    /** One started call: due at {@link #deadlineNanos()} unless settled before. */
    interface Entry {
        long deadlineNanos();

        boolean isSettled();

        /** Settles the call as timed out, unless its answer settled it first. */
        void expire();
    }

    void add(Entry entry) {
        started.add(entry);
    }

    /** Times out every call past its deadline, whichever task it belongs to. */
    void expireOverdue() {
        // The clock is read only when an unsettled call is at the head: with nothing in flight, none is.
        long now = 0;
        boolean clockRead = false;
        synchronized (this) {
            Entry head;
            while ((head = started.peek()) != null) {
                if (!head.isSettled()) {
                    if (!clockRead) {
                        now = System.nanoTime();
                        clockRead = true;
                    }
                    if (now < head.deadlineNanos()) {
                        return;
                    }
                }
                started.poll();
                head.expire();
            }
        }
    }

    /** How long until the oldest unsettled call times out; {@code Long.MAX_VALUE} when nothing is pending. */
    long nanosUntilNext() {
        Entry head;
        synchronized (this) {
            while ((head = started.peek()) != null && head.isSettled()) {
                started.poll();
            }
        }
        return head == null ? Long.MAX_VALUE : Math.max(0, head.deadlineNanos() - System.nanoTime());
    }
}
