package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.retry.RetryPolicy;
import io.backpressure.schemas.WorkRequest;
import java.time.Clock;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every task of one application instance shares: the configuration, the handler, the instance's window, budget
 * and counters, the retry policy, the router, the request deserializer and the clock. Every field has its own type,
 * so no two can be swapped; settings are read from the configuration by name. Everything here is thread-safe;
 * per-task state lives in the processor.
 */
record PipelineParts(
        PipelineConfig config,
        RequestHandler handler,
        InstanceState instance,
        Deserializer<WorkRequest> requestDeserializer,
        RetryPolicy retryPolicy,
        Router router,
        DropLog dropLog,
        Clock clock) {
}
