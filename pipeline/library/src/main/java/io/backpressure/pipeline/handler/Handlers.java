package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.PipelineConfig;
import java.lang.reflect.Constructor;

/** Builds the handler named by {@code pipeline.handler.type}. */
public final class Handlers {
    private Handlers() {
    }

    public static RequestHandler create(PipelineConfig config) {
        String type = config.handler().type();
        return switch (type) {
            case "simulated" -> new SimulatedDownstream(config.handler().simulated());
            case "http" -> new HttpHandler(config.handler().httpUrl(), config.window().handlerTimeout(),
                    config.handler().httpMaxResponseBytes());
            default -> byClassName(type, config);
        };
    }

    private static RequestHandler byClassName(String className, PipelineConfig config) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("pipeline.handler.type must be simulated, http or the class name of a RequestHandler "
                    + "on the classpath, was " + className + " (class not found)");
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("pipeline.handler.type names " + className + ", which does not implement "
                    + RequestHandler.class.getName());
        }
        try {
            try {
                Constructor<?> withConfig = type.getConstructor(PipelineConfig.class);
                return (RequestHandler) withConfig.newInstance(config);
            } catch (NoSuchMethodException e) {
                return (RequestHandler) type.getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("pipeline.handler.type " + className
                    + " needs a public constructor taking nothing or a PipelineConfig: " + e);
        }
    }
}
