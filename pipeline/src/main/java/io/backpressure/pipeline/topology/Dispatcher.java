package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.window.Window;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Starts handler calls and collects their outcomes. A call's window slot is released the moment it completes, on
 * whatever thread that happens, or when it times out; the outcome itself waits in the task's queue until the stream
 * thread forwards it (Kafka Streams allows forwarding only there).
 *
 * <p>Time-outs need no timer: every call of a task has the same timeout, so calls time out in the order they started,
 * and the stream thread expires the overdue head of that order whenever it looks at finished calls (which it does
 * while it waits, too). Whichever comes first, the answer or the expiry, settles the call; the other is ignored. An
 * expired call's future is cancelled, so a handler that passes cancellation on (the HTTP handler does) releases its
 * connection and the downstream's work.
 */
final class Dispatcher {
    private static final Outcome NULL_OUTCOME = new Outcome.RetryableFailure("NullOutcome: handler completed with null");

    private final RequestHandler handler;
    private final Window window;
    private final Duration timeout;
    private final BlockingQueue<Call> finished;
    private final PipelineStats stats;
    private final Consumer<Outcome> listener;
    private final Clock clock;
    /** Calls in the order they started; touched only by the stream thread. */
    private final ArrayDeque<Pending> started = new ArrayDeque<>();
    private final Outcome timedOut;

    Dispatcher(RequestHandler handler, Window window, Duration timeout, BlockingQueue<Call> finished, PipelineStats stats,
               Consumer<Outcome> listener, Clock clock) {
        this.handler = handler;
        this.window = window;
        this.timeout = timeout;
        this.finished = finished;
        this.stats = stats;
        this.listener = listener;
        this.clock = clock;
        this.timedOut = new Outcome.RetryableFailure("TimeoutException: no answer within " + Durations.format(timeout));
    }

    /**
     * Starts the call; the caller has already taken a window slot for it. A handler that answers before returning (a
     * cache hit, a validation failure, the benchmarks' instant handler) takes the fast path: the finished call is
     * returned for the caller to forward at once. Otherwise returns null and the outcome arrives through the queue.
     */
    Call dispatch(Call call) {
        CompletableFuture<Outcome> answer;
        try {
            answer = handler.handle(call.request(), call.attempt()).toCompletableFuture();
        } catch (RuntimeException thrownByHandler) {
            return finish(call, FailureClassifier.classify(thrownByHandler));
        }
        if (answer.isDone()) {
            return finish(call, outcomeOf(answer));
        }
        Pending pending = new Pending(call, System.nanoTime() + timeout.toNanos(), answer);
        started.addLast(pending);
        answer.whenComplete((outcome, failure) -> {
            Call settled = pending.settle();
            if (settled != null) {
                finished.add(finish(settled, failure != null ? FailureClassifier.classify(failure) : outcome == null ? NULL_OUTCOME : outcome));
            }
        });
        return null;
    }

    /** Times out every call past its deadline; called on the stream thread. */
    void expireOverdue() {
        long now = System.nanoTime();
        Pending head;
        while ((head = started.peekFirst()) != null) {
            if (!head.isSettled() && now < head.deadlineNanos) {
                return;
            }
            started.pollFirst();
            CompletableFuture<Outcome> answer = head.answer;
            Call settled = head.settle();
            if (settled != null) {
                answer.cancel(true);
                finished.add(finish(settled, timedOut));
            }
        }
    }

    /** How long until the oldest unsettled call times out; {@code Long.MAX_VALUE} when nothing is pending. */
    long nanosUntilNextTimeout() {
        Pending head;
        while ((head = started.peekFirst()) != null && head.isSettled()) {
            started.pollFirst();
        }
        return head == null ? Long.MAX_VALUE : Math.max(0, head.deadlineNanos - System.nanoTime());
    }

    private Call finish(Call call, Outcome outcome) {
        window.release();
        stats.handlerCall(outcome, clock.millis() - call.startedAtMillis());
        listener.accept(outcome);
        return call.finished(outcome);
    }

    private static Outcome outcomeOf(CompletableFuture<Outcome> done) {
        try {
            Outcome outcome = done.join();
            return outcome == null ? NULL_OUTCOME : outcome;
        } catch (CompletionException | CancellationException failed) {
            return FailureClassifier.classify(failed);
        }
    }

    /**
     * A call not yet answered. Settling hands its call to exactly one of the answer or the expiry, and drops the
     * reference: a settled entry waiting behind a slow one in the start order keeps nothing of the request alive.
     */
    private static final class Pending {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final long deadlineNanos;
        private volatile CompletableFuture<Outcome> answer;
        private volatile Call call;

        Pending(Call call, long deadlineNanos, CompletableFuture<Outcome> answer) {
            this.call = call;
            this.deadlineNanos = deadlineNanos;
            this.answer = answer;
        }

        boolean isSettled() {
            return settled.get();
        }

        Call settle() {
            if (!settled.compareAndSet(false, true)) {
                return null;
            }
            Call c = call;
            call = null;
            answer = null;
            return c;
        }
    }
}
