package io.backpressure.pipeline.handler;

import io.backpressure.schemas.WorkRequest;
import java.util.concurrent.CompletionStage;

/**
 * The built-in envelope's handler: calls the downstream for one {@link WorkRequest}, whose payload is opaque bytes,
 * and answers with the bytes that go into its {@code WorkResult}. The pipeline adapts it to a {@link RecordHandler}, whose contract it
 * shares (never block; exceptions are classified by {@link FailureClassifier}). Implementations plugged in by class
 * name need a public constructor taking either nothing or a {@link io.backpressure.pipeline.config.PipelineConfig}.
 */
@FunctionalInterface
public interface RequestHandler extends AutoCloseable {

    /**
     * @param request the decoded request
     * @param attempt 1 for the first call, 2 for the first retry, and so on
     */
    CompletionStage<Outcome<byte[]>> handle(WorkRequest request, int attempt);

    @Override
    default void close() {
    }
}
