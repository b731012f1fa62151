package io.backpressure.pipeline.handler;

import io.backpressure.schemas.WorkRequest;
import java.util.concurrent.CompletionStage;

/**
 * Calls the downstream for one request. Must not block: return at once and complete the stage later (a stage already
 * complete on return takes a fast path). The stage must support {@code toCompletableFuture()}, as every JDK stage does.
 * A stage completed exceptionally is classified by {@link FailureClassifier}. Implementations plugged in by class
 * name need a public constructor taking either nothing or a {@link io.backpressure.pipeline.config.PipelineConfig}.
 */
@FunctionalInterface
public interface RequestHandler extends AutoCloseable {

    /**
     * @param request the decoded request
     * @param attempt 1 for the first call, 2 for the first retry, and so on
     */
    CompletionStage<Outcome> handle(WorkRequest request, int attempt);

    @Override
    default void close() {
    }
}
