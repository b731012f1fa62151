package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A plug-in handler found through ServiceLoader in the tests: answers with its {@code greeting} setting. */
public final class EchoProvider implements HandlerProvider {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public RequestHandler create(PipelineConfig config, Map<String, String> settings) {
        if (!settings.containsKey("greeting")) {
            throw new IllegalArgumentException("pipeline.handler.echo.greeting is required, settings were " + settings);
        }
        byte[] greeting = settings.get("greeting").getBytes(StandardCharsets.UTF_8);
        return (request, attempt) -> CompletableFuture.completedFuture(Outcome.success(greeting));
    }
}
