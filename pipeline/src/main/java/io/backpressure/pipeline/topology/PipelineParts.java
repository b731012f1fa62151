package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.ReleaseLateness;
import io.backpressure.pipeline.retry.RetryPolicy;
import io.backpressure.pipeline.window.Window;
import io.backpressure.schemas.WorkRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every task of one application instance shares: the handler, the window, the retry policy and budget, the
 * serdes, the clock and the counters. Everything here is thread-safe; per-task state lives in the processors.
 */
record PipelineParts(
        RequestHandler handler,
        Window window,
        Deserializer<WorkRequest> requestDeserializer,
        Router router,
        RetryPolicy retryPolicy,
        DropLog dropLog,
        PipelineStats stats,
        ReleaseLateness lateness,
        Consumer<Outcome> outcomeListener,
        Clock clock,
        Duration handlerTimeout,
        Duration maxBlock,
        Duration forwardInterval,
        Duration releaseInterval,
        int maxPendingPerTask,
        int maxValueBytes) {
}
