package io.backpressure.pipeline.simulate.internal;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.retry.Fate;
import io.backpressure.pipeline.retry.RetryPolicy;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/**
 * A client population calling the downstream, driven by the pipeline's own classes. Admission: with a {@link Window},
 * a request that finds no free slot waits in a FIFO backlog (the Kafka lag: it costs the downstream nothing); without
 * one, every request is sent at once. Every fate is the pipeline's own decision: a request whose deadline has passed
 * while waiting is dropped before it costs a call ({@link RetryPolicy#beforeCall}), and a call that has not answered
 * within the attempt timeout has failed, its slot freed at once (as the real window does), and
 * {@link RetryPolicy#afterCall} says retry or drop.
 *
 * <p>The naive client is this class with no window, no deadline, no budget and {@code Backoff.none()}: the
 * difference between the two clients is configuration, not code.
 */
public final class SimulatedClient {
    private static final Outcome<Void> ANSWERED = Outcome.success(null);
    private static final Outcome<Void> TIMED_OUT = Outcome.retryable("TimeoutException: no answer within the attempt timeout");
    private final EventLoop loop;
    private final Downstream downstream;
    private final Window window;
    private final RetryPolicy policy;
    private final long timeoutNanos;
    private final RandomGenerator random;
    private final ClientRecorder recorder;
    private final ArrayDeque<Attempt> backlog = new ArrayDeque<>();
    /** Retries whose due time has come. They go before new requests: in the pipeline they come from their own delay topics. */
    private final ArrayDeque<Attempt> released = new ArrayDeque<>();

    /** @param window the in-flight bound; null for none */
    public SimulatedClient(EventLoop loop, Downstream downstream, Window window, RetryPolicy policy, Duration attemptTimeout,
                           RandomGenerator random, ClientRecorder recorder) {
        this.loop = loop;
        this.downstream = downstream;
        this.window = window;
        this.policy = policy;
        this.timeoutNanos = attemptTimeout.toNanos();
        this.random = random;
        this.recorder = recorder;
    }

    private record Request(long arrivedAt, Instant deadline) {
    }

    private record Attempt(Request request, RetryState state) {
    }

    /** The one outstanding call of an attempt; whichever of answer and timeout comes first decides it. */
    private static final class Call {
        final Attempt attempt;
        boolean answered;
        boolean timedOut;

        Call(Attempt attempt) {
            this.attempt = attempt;
        }
    }

    /** A new request arrives now. */
    public void arrive() {
        recorder.arrival(loop.nanos());
        Instant deadline = policy.deadlineOf(null, loop.instant());
        backlog.add(new Attempt(new Request(loop.nanos(), deadline), RetryState.first(loop.instant().toEpochMilli())));
        admit();
    }

    /** Requests waiting on the client's side: the backlog and released retries without a slot. */
    public int waiting() {
        return backlog.size() + released.size();
    }

    private void admit() {
        while (true) {
            ArrayDeque<Attempt> source = released.isEmpty() ? backlog : released;
            Attempt next = source.peek();
            if (next == null) {
                return;
            }
            Fate.Drop late = policy.beforeCall(next.state(), next.request().deadline(), loop.instant());
            if (late != null) {
                source.poll();
                recorder.drop(late.reason(), loop.nanos());
                continue;
            }
            if (window != null && !window.tryAcquire()) {
                return;
            }
            source.poll();
            send(next);
        }
    }

    private void send(Attempt attempt) {
        Call call = new Call(attempt);
        recorder.call(loop.nanos());
        downstream.submit(() -> served(call));
        loop.after(timeoutNanos, () -> timedOut(call));
    }

    private void served(Call call) {
        if (call.timedOut) {
            recorder.wasted();
            return;
        }
        call.answered = true;
        freeSlot();
        policy.afterCall(call.attempt.state(), call.attempt.request().deadline(), ANSWERED, loop.instant(), random);
        recorder.success(call.attempt.request().arrivedAt(), loop.nanos());
        admit();
    }

    private void timedOut(Call call) {
        if (call.answered) {
            return;
        }
        call.timedOut = true;
        freeSlot();
        recorder.timeout(loop.nanos());
        Attempt failed = call.attempt;
        Fate fate = policy.afterCall(failed.state(), failed.request().deadline(), TIMED_OUT, loop.instant(), random);
        if (fate instanceof Fate.Retry retry) {
            Attempt next = new Attempt(failed.request(), retry.next());
            loop.at(EventLoop.nanosOf(retry.due()), () -> {
                released.add(next);
                admit();
            });
        } else {
            recorder.drop(((Fate.Drop) fate).reason(), loop.nanos());
        }
        admit();
    }

    private void freeSlot() {
        if (window != null) {
            window.release();
        }
    }
}
