package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.retry.RetryPolicy;
import java.time.Clock;

/**
 * What every task of one application instance shares: the configuration, the binding (serdes and handler), the
 * instance's window, budget and counters, the retry policy, the router and the clock. Every field has its own type,
 * so no two can be swapped; settings are read from the configuration by name. Everything here is thread-safe;
 * per-task state lives in the processor.
 */
record PipelineParts(
        PipelineConfig config,
        RecordBinding<?, ?, ?> binding,
        InstanceState instance,
        RetryPolicy retryPolicy,
        Router router,
        DropLog dropLog,
        Clock clock) {
}
