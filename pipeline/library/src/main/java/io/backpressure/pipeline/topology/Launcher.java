package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.window.Window;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The instance's thread that starts queued calls as window slots free up. A stream thread starts a call itself when a
 * slot is free; when the window is full it queues the call here and goes on with its records. So calls keep starting
 * while the stream thread is held elsewhere, above all by a commit: under exactly_once_v2 every 100 ms, for the time a
 * transaction takes, which left the window to run dry.
 *
 * <p>While calls wait, a call that finishes passes its slot straight to the oldest of them, on the thread that finished
 * it ({@link #startInSlot}); this thread then only starts calls when a slot frees without a finished call (a time-out,
 * a lower adaptive limit) and takes the next call off the queue to be first in line.
 *
 * <p>The queue is bounded (one window's worth): when it is full the stream thread waits, the partitions' buffers fill
 * and Kafka Streams stops fetching, so the backlog stays in Kafka. A queued call belongs to a task that may close
 * before it starts; it is then skipped, since the task's next owner calls it again (it is persisted or uncommitted).
 */
final class Launcher {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int ROOM_BATCH_DIVISOR = 64;

    /** What a queued call needs from its task: its dispatcher, its finished queue, and whether it is still open. */
    record Lane(Dispatcher dispatcher, FinishedCalls finished, BooleanSupplier open) {
    }

    private record Launch(Lane lane, Call call) {
    }

    private final BlockingQueue<Launch> queue;
    /** The queue's size, read on every admission without taking the queue's lock. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The call the launcher took from the queue and waits to start: the first a passed-on slot goes to. */
    private final AtomicReference<Launch> firstInLine = new AtomicReference<>();
    private final Window window;
    private final CallTimeouts timeouts;
    private final Object startLock = new Object();
    private volatile Thread thread;
    private volatile boolean closed;

    Launcher(int capacity, Window window, CallTimeouts timeouts) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.window = window;
        this.timeouts = timeouts;
    }

    /**
     * True when no call waits, in the queue or for a slot: a stream thread that finds a free slot may then start its
     * call itself, and in key mode a finished call may pass its slot to its key's next request.
     */
    boolean isIdle() {
        return queued.get() == 0;
    }

    /**
     * Queues a call whose caller has no window slot for it, waiting up to {@code nanos} while the queue is full.
     *
     * @param whileWaiting run between short waits (the task forwards its finished calls meanwhile)
     * @return false when the queue stayed full for the whole wait
     * @throws IllegalStateException when the launcher is closed: nothing would ever start the call
     */
    boolean offer(Lane lane, Call call, long nanos, Runnable whileWaiting) throws InterruptedException {
        startOnce();
        Launch launch = new Launch(lane, call);
        long deadline = System.nanoTime() + nanos;
        queued.incrementAndGet();
        while (!queue.offer(launch, SLICE_NANOS, TimeUnit.NANOSECONDS)) {
            if (closed) {
                queued.decrementAndGet();
                throw new IllegalStateException("the pipeline was closed while a stream thread still admits records, so no queued "
                        + "call can start: close Kafka Streams first, then the pipeline");
            }
            whileWaiting.run();
            if (System.nanoTime() > deadline) {
                queued.decrementAndGet();
                return false;
            }
        }
        return true;
    }

    private void startOnce() {
        if (thread != null) {
            return;
        }
        synchronized (startLock) {
            if (thread == null) {
                thread = new Thread(this::run, "pipeline-launcher");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private void run() {
        try {
            while (true) {
                Launch launch = queue.take();
                firstInLine.set(launch);
                // Until that call has started: here, or on a thread whose call finished and passed its slot on.
                while (firstInLine.get() != null) {
                    if (window.tryAcquire()) {
                        startInSlot();
                    } else {
                        window.awaitRoom(roomToWaitFor(), SLICE_NANOS);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                        // Overdue calls free slots too: expire them here, since the stream threads may all be held.
                        timeouts.expireOverdue();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the oldest waiting call in a window slot the caller holds, or gives the slot back when no call waits. A call
     * that finishes while calls wait passes its slot on here, on the thread that finished it: waking this launcher for
     * every finished call cost two context switches per call.
     */
    void startInSlot() {
        Launch launch = firstInLine.getAndSet(null);
        if (launch == null) {
            launch = queue.poll();
        }
        for (; launch != null; launch = queue.poll()) {
            // Counted until it has its slot, so a freed slot goes to it, not to a call that came after it.
            queued.decrementAndGet();
            if (launch.lane().open().getAsBoolean()) {
                Call answered = launch.lane().dispatcher().dispatch(launch.call());
                if (answered != null) {
                    launch.lane().finished().add(answered);
                }
                return;
            }
        }
        window.release();
    }

    /**
     * With the window full, wait until a batch of slots is free (a 64th of the limit, no more than the calls waiting) and
     * start the batch in one wake-up. The slots idle meanwhile cost under 2 % of the window; a wake-up per finishing
     * call cost two context switches each.
     */
    private int roomToWaitFor() {
        return Math.max(1, Math.min(queued.get(), window.limit() / ROOM_BATCH_DIVISOR));
    }

    /** Stops the thread; calls still queued are not started (their tasks are closed, their requests read again). */
    void close() {
        closed = true;
        synchronized (startLock) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
