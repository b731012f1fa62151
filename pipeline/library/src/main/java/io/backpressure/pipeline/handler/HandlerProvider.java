package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.PipelineConfig;
import java.util.Map;

/**
 * A handler for the command-line app, found with {@link java.util.ServiceLoader}: list the implementation in the
 * jar's {@code META-INF/services/io.backpressure.pipeline.handler.HandlerProvider}, and give the jar to
 * {@code pipeline run --handler-jar my-handler.jar} (or put it in {@code handlers/} beside {@code pipeline.jar}).
 * {@code pipeline.handler.type=<name>} selects it.
 */
public interface HandlerProvider {

    /** The name {@code pipeline.handler.type} selects this handler by; not {@code simulated} or {@code http}. */
    String name();

    /**
     * @param settings the handler's own settings, {@code pipeline.handler.<name>.<key>=value}, as {@code key -> value}:
     *                 passed through unchecked, so the handler says what is wrong with them
     */
    RequestHandler create(PipelineConfig config, Map<String, String> settings);
}
