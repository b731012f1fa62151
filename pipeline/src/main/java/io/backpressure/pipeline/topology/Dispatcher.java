package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.window.Window;
import io.backpressure.pipeline.metrics.PipelineStats;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts handler calls and collects their outcomes. A call's window slot is released the moment it completes or
 * times out, on whatever thread that happens; the outcome itself waits in the task's queue until the stream
 * thread forwards it (Kafka Streams allows forwarding only there).
 */
final class Dispatcher {
    private final RequestHandler handler;
    private final Window window;
    private final Duration timeout;
    private final BlockingQueue<Call> finished;
    private final PipelineStats stats;
    private final Clock clock;
    private final Consumer<Outcome> listener;
    private static final Outcome NULL_OUTCOME = new Outcome.RetryableFailure("NullOutcome: handler completed with null");

    Dispatcher(RequestHandler handler, Window window, Duration timeout, BlockingQueue<Call> finished, PipelineStats stats,
               Consumer<Outcome> listener, Clock clock) {
        this.listener = listener;
        this.handler = handler;
        this.stats = stats;
        this.clock = clock;
        this.window = window;
        this.timeout = timeout;
        this.finished = finished;
    }

    /**
     * Starts the call; the caller has already taken a window slot for it. A handler that answers before returning (a
     * cache hit, a validation failure, the benchmarks' instant handler) takes the fast path: no timer, no queue, the
     * finished call is returned for the caller to forward at once. Otherwise returns null and the outcome arrives
     * through the queue, with the per-attempt timeout armed.
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
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((outcome, failure) ->
                finished.add(finish(call, failure != null ? FailureClassifier.classify(failure) : outcome)));
        answer.whenComplete((outcome, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(outcome == null ? NULL_OUTCOME : outcome);
            }
        });
        return null;
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
}
