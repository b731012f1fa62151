package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.window.Window;
import io.backpressure.schemas.WorkRequest;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every task of one application instance shares: the handler, the window, the serdes and the clock.
 * Everything here is thread-safe; per-task state lives in {@link WorkProcessor}.
 */
record PipelineParts(
        RequestHandler handler,
        Window window,
        Deserializer<WorkRequest> requestDeserializer,
        Router router,
        DropLog dropLog,
        Clock clock,
        Duration handlerTimeout,
        Duration maxBlock,
        Duration forwardInterval,
        int maxValueBytes) {
}
