package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.window.Window;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Starts handler calls and collects their outcomes. A call's window slot is released the moment it completes, on
 * whatever thread that happens, or when it times out; the outcome itself waits in the task's queue until the stream
 * thread forwards it (Kafka Streams allows forwarding only there).
 *
 * <p>Time-outs need no timer: every call has the same timeout, so calls time out in the order they started, and a
 * stream thread expires the overdue head of that order ({@link CallTimeouts}, shared by the instance's tasks) whenever
 * it looks at finished calls (which it does while it waits, too). Whichever comes first, the answer or the expiry, settles the call; the other is ignored. An
 * expired call's future is cancelled, so a handler that passes cancellation on (the HTTP handler does) releases its
 * connection and the downstream's work.
 */
final class Dispatcher {
    private static final Outcome<?> NULL_OUTCOME = new Outcome.RetryableFailure<>("NullOutcome: handler completed with null");

    private final RecordBinding<?, ?, ?> binding;
    private final Window window;
    private final Duration timeout;
    private final FinishedCalls finished;
    private final PipelineStats stats;
    private final Consumer<Outcome<?>> listener;
    private final CallTimeouts timeouts;
    private final Outcome<?> timedOut;
    private final BooleanSupplier handOffs;
    private final Launcher launcher;
    private final Clock clock;

    /**
     * @param handOffs whether a finished call may start its key's next request now (key mode, while the task is open
     *                 and not handing over); see {@link Call#follow}
     * @param launcher the instance's launcher, to which a finished call passes its slot while calls wait for one
     */
    Dispatcher(RecordBinding<?, ?, ?> binding, Window window, Duration timeout, CallTimeouts timeouts, FinishedCalls finished,
               PipelineStats stats, Consumer<Outcome<?>> listener, BooleanSupplier handOffs, Launcher launcher, Clock clock) {
        this.handOffs = handOffs;
        this.launcher = launcher;
        this.clock = clock;
        this.binding = binding;
        this.window = window;
        this.timeout = timeout;
        this.finished = finished;
        this.stats = stats;
        this.listener = listener;
        this.timeouts = timeouts;
        this.timedOut = new Outcome.RetryableFailure<>("TimeoutException: no answer within " + Durations.format(timeout));
    }

    /**
     * Starts the call; the caller has already taken a window slot for it. A handler that answers before returning (a
     * cache hit, a validation failure, the benchmarks' instant handler) takes the fast path: the finished call is
     * returned for the caller to forward at once. Otherwise returns null and the outcome arrives through the queue.
     */
    Call dispatch(Call call) {
        return dispatch(call, System.nanoTime());
    }

    /** @param startNanos {@link System#nanoTime()} as the caller just read it */
    Call dispatch(Call call, long startNanos) {
        int inFlightAtStart = window.inFlight();
        CompletableFuture<? extends Outcome<?>> answer;
        try {
            answer = binding.call(call.request()).toCompletableFuture();
        } catch (RuntimeException thrownByHandler) {
            return finish(call, FailureClassifier.classify(thrownByHandler), startNanos, inFlightAtStart);
        }
        if (answer.isDone()) {
            return finish(call, outcomeOf(answer), startNanos, inFlightAtStart);
        }
        Pending pending = new Pending(call, startNanos, inFlightAtStart, startNanos + timeout.toNanos(), answer);
        timeouts.add(pending);
        answer.whenComplete(pending);
        return null;
    }

    /**
     * An answer arrived. In key mode, an outcome that is final whatever the retry policy says (an answer, a
     * non-retryable failure) starts the key's next request here and now, in the same window slot, instead of when the
     * stream thread next looks: that wait (a forwarding tick, a commit) was longer than the call itself. The finished
     * call is queued before its successor starts, so the stream thread forwards it first and admits the successor then.
     * Otherwise, while calls wait for a slot, the slot passes to the oldest of them here ({@link Launcher#startInSlot}):
     * with the window full, waking the launcher for each finished call cost two context switches per call.
     */
    private void completed(Call call, Outcome<?> outcome, long startNanos, int inFlightAtStart) {
        Call next = call.takeSuccessor();
        boolean slotReusable = window.inFlight() <= window.limit();
        boolean handOff = next != null && !(outcome instanceof Outcome.RetryableFailure<?>) && handOffs.getAsBoolean()
                && slotReusable && (next.deadline() == null || clock.instant().isBefore(next.deadline()));
        if (handOff) {
            call.handedOff(next);
        }
        // With calls waiting for a slot, the slot goes to the oldest of them on this thread, not back to the window.
        boolean passOn = !handOff && slotReusable && !launcher.isIdle();
        finished.add(finish(call, outcome, startNanos, inFlightAtStart, !handOff && !passOn));
        if (handOff) {
            Call answered = dispatch(next);
            if (answered != null) {
                finished.add(answered);
            }
        } else if (passOn) {
            launcher.startInSlot();
        }
    }

    /** Times out every call of the instance past its deadline; called on a stream thread. */
    void expireOverdue() {
        timeouts.expireOverdue();
    }

    /** How long until the instance's oldest unsettled call times out; {@code Long.MAX_VALUE} when nothing is pending. */
    long nanosUntilNextTimeout() {
        return timeouts.nanosUntilNext();
    }

    private Call finish(Call call, Outcome<?> outcome, long startNanos, int inFlightAtStart) {
        return finish(call, outcome, startNanos, inFlightAtStart, true);
    }

    /** @param releaseSlot false when the call's slot passes to its key's next request */
    private Call finish(Call call, Outcome<?> outcome, long startNanos, int inFlightAtStart, boolean releaseSlot) {
        if (releaseSlot) {
            window.release();
        }
        long endNanos = System.nanoTime();
        long latencyNanos = endNanos - startNanos;
        tellWindow(outcome, startNanos, latencyNanos, inFlightAtStart);
        stats.handlerCall(outcome, TimeUnit.NANOSECONDS.toMillis(latencyNanos));
        listener.accept(outcome);
        return call.finished(outcome, endNanos);
    }

    /**
     * Answers and refusals tell the adaptive limit how loaded the downstream is. Other retryable failures (a 500, a
     * refused connection) say nothing about its queue, and their often quick answers would read as spare capacity.
     */
    private void tellWindow(Outcome<?> outcome, long startNanos, long latencyNanos, int inFlightAtStart) {
        boolean refused = outcome == timedOut || outcome instanceof Outcome.RetryableFailure<?> failure && failure.overloaded();
        if (refused || !(outcome instanceof Outcome.RetryableFailure<?>)) {
            window.onCallFinished(startNanos, latencyNanos, inFlightAtStart, refused);
        }
    }

    private static Outcome<?> outcomeOf(CompletableFuture<? extends Outcome<?>> done) {
        try {
            Outcome<?> outcome = done.join();
            return outcome == null ? NULL_OUTCOME : outcome;
        } catch (CompletionException | CancellationException failed) {
            return FailureClassifier.classify(failed);
        }
    }

    /**
     * A call not yet answered. Settling hands its call to exactly one of the answer or the expiry, and drops the
     * reference: a settled entry waiting behind a slow one in the start order keeps nothing of the request alive.
     */
    private final class Pending implements CallTimeouts.Entry, BiConsumer<Outcome<?>, Throwable> {
        private static final VarHandle SETTLED;

        static {
            try {
                SETTLED = MethodHandles.lookup().findVarHandle(Pending.class, "settled", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** One object per call in flight: the answer's callback and the timeout entry, settled through one field. */
        private volatile boolean settled;
        private final long startNanos;
        private final int inFlightAtStart;
        private final long deadlineNanos;
        /*
         * Not volatile (a fence each when written): the entry is published to other threads by the queue of started calls
         * and the future's callback list, and only the thread whose compare-and-set settled it takes the call and clears
         * both. The expiry reads the future before settling, and uses it only if it wins.
         */
        private CompletableFuture<? extends Outcome<?>> answer;
        private Call call;

        Pending(Call call, long startNanos, int inFlightAtStart, long deadlineNanos, CompletableFuture<? extends Outcome<?>> answer) {
            this.call = call;
            this.startNanos = startNanos;
            this.inFlightAtStart = inFlightAtStart;
            this.deadlineNanos = deadlineNanos;
            this.answer = answer;
        }

        @Override
        public long deadlineNanos() {
            return deadlineNanos;
        }

        @Override
        public boolean isSettled() {
            return settled;
        }

        /** The answer arrived: settles the call, unless its expiry came first. */
        @Override
        public void accept(Outcome<?> outcome, Throwable failure) {
            Call answered = settle();
            if (answered != null) {
                completed(answered, failure != null ? FailureClassifier.classify(failure) : outcome == null ? NULL_OUTCOME : outcome,
                        startNanos, inFlightAtStart);
            }
        }

        /** Cancels the call, so a handler that passes cancellation on releases its connection and the downstream's work. */
        @Override
        public void expire() {
            CompletableFuture<? extends Outcome<?>> unanswered = answer;
            Call expired = settle();
            if (expired != null) {
                unanswered.cancel(true);
                finished.add(finish(expired, timedOut, startNanos, inFlightAtStart));
            }
        }

        Call settle() {
            if (!SETTLED.compareAndSet(this, false, true)) {
                return null;
            }
            Call c = call;
            call = null;
            answer = null;
            return c;
        }
    }
}
