package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.window.Window;
import java.time.Duration;

/**
 * Takes a call into the window. With a slot free and no call queued before it, the stream thread starts the call
 * itself; otherwise the call waits in the instance's {@link Launcher} queue for a slot, and the stream thread goes on.
 * Only when that queue is full does the stream thread wait (bounded), forwarding this task's finished calls meanwhile;
 * Kafka Streams stops fetching for partitions whose buffers fill, so the backlog stays in Kafka as lag.
 */
final class Admission {
    private final Window window;
    private final Launcher launcher;
    private final Launcher.Lane lane;
    private final Duration maxBlock;

    Admission(Window window, Launcher launcher, Launcher.Lane lane, Duration maxBlock) {
        this.window = window;
        this.launcher = launcher;
        this.lane = lane;
        this.maxBlock = maxBlock;
    }

    /**
     * Starts or queues the call.
     *
     * @param nowNanos the monotonic clock as the caller read it: the call's start if it starts now
     * @param forwardFinished forwards the task's finished calls without waiting
     * @return the call if the handler answered it at once, to be forwarded now; null when its outcome comes later
     */
    Call admit(Call call, long nowNanos, Runnable forwardFinished) {
        if (launcher.isIdle() && window.tryAcquire()) {
            return lane.dispatcher().dispatch(call, nowNanos);
        }
        try {
            if (!launcher.offer(lane, call, maxBlock.toNanos(), forwardFinished)) {
                throw new IllegalStateException("no room to queue a call for " + maxBlock.toMillis()
                        + " ms although every call times out after pipeline.handler.timeout; the handler's completions are not arriving");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to queue a call", e);
        }
        return null;
    }
}
