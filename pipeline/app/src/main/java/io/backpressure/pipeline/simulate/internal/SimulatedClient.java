package io.backpressure.pipeline.simulate.internal;

import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.retry.RetryDecision;
import io.backpressure.pipeline.retry.RetryPolicy;
import io.backpressure.pipeline.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/**
 * A client population calling the downstream, driven by the pipeline's own classes. Admission: with a {@link Window},
 * a request that finds no free slot waits in a FIFO backlog (the Kafka lag: it costs the downstream nothing); without
 * one, every request is sent at once. Routing: a call that has not answered within the attempt timeout has failed;
 * the slot is freed at once (as the real window does), and {@link RetryPolicy#decide} says retry or drop. A request
 * whose deadline has passed while waiting is dropped before it costs a call, as {@code WorkProcessor} does.
 *
 * <p>The naive client is this class with no window, no deadline, no budget and {@code Backoff.none()}: the
 * difference between the two clients is configuration, not code.
 */
public final class SimulatedClient {
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

    private record Attempt(Request request, int number, Duration previousDelay) {
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
        backlog.add(new Attempt(new Request(loop.nanos(), deadline), 1, Duration.ZERO));
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
            Instant deadline = next.request().deadline();
            if (deadline != null && !loop.instant().isBefore(deadline)) {
                source.poll();
                recorder.drop(DropReason.DEADLINE_EXCEEDED, loop.nanos());
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
        policy.budget().onSuccess();
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
        RetryDecision decision = policy.decide(failed.number(), failed.previousDelay(), Duration.ZERO,
                failed.request().deadline(), loop.instant(), random);
        if (decision instanceof RetryDecision.Retry retry) {
            Attempt next = new Attempt(failed.request(), retry.nextAttempt(), retry.delay());
            loop.at(EventLoop.nanosOf(retry.due()), () -> {
                released.add(next);
                admit();
            });
        } else {
            recorder.drop(((RetryDecision.Drop) decision).reason(), loop.nanos());
        }
        admit();
    }

    private void freeSlot() {
        if (window != null) {
            window.release();
        }
    }
}
