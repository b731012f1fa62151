package io.backpressure.pipeline.simulate.internal;

import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * The overloaded service: an unbounded FIFO queue in front of a pool of workers, each taking a fixed service time per
 * call. It has no idea whether the caller is still waiting: a call the client already timed out on is still served,
 * in its turn, and that wasted work is what keeps an overload going after its trigger has passed.
 */
public final class Downstream {
    private final EventLoop loop;
    private final long serviceNanos;
    private final IntSupplier workers;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int busy;

    /** @param workers how many workers take calls now; re-read whenever one frees up and on {@link #capacityChanged()} */
    public Downstream(EventLoop loop, long serviceNanos, IntSupplier workers) {
        this.loop = loop;
        this.serviceNanos = serviceNanos;
        this.workers = workers;
    }

    /** Queues a call; {@code onServed} runs when a worker has finished it. */
    public void submit(Runnable onServed) {
        queue.add(onServed);
        startWhileWorkersFree();
    }

    /** Workers came back: they start on the queue at once. (Workers that left finish the call they were on.) */
    public void capacityChanged() {
        startWhileWorkersFree();
    }

    public int queued() {
        return queue.size();
    }

    private void startWhileWorkersFree() {
        while (busy < workers.getAsInt() && !queue.isEmpty()) {
            Runnable onServed = queue.poll();
            busy++;
            loop.after(serviceNanos, () -> {
                busy--;
                onServed.run();
                startWhileWorkersFree();
            });
        }
    }
}
