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
import java.util.concurrent.CompletionStage;
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

    /** Starts the call; the caller has already taken a window slot for it. */
    void dispatch(Call call) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((outcome, failure) -> {
            window.release();
            Outcome classified = failure != null ? FailureClassifier.classify(failure) : outcome;
            stats.handlerCall(classified, clock.millis() - call.startedAtMillis());
            listener.accept(classified);
            finished.add(call.finished(classified));
        });
        try {
            CompletionStage<Outcome> stage = handler.handle(call.request(), call.attempt());
            stage.whenComplete((outcome, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else if (outcome == null) {
                    result.complete(new Outcome.RetryableFailure("NullOutcome: handler completed with null"));
                } else {
                    result.complete(outcome);
                }
            });
        } catch (RuntimeException thrownByHandler) {
            result.completeExceptionally(thrownByHandler);
        }
    }
}
