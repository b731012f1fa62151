package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.PipelineConfig;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds the handler named by {@code pipeline.handler.type}: a built-in ({@code simulated}, {@code http}), a
 * {@link HandlerProvider} of that name, or the class name of a {@link RequestHandler}.
 */
public final class Handlers {
    private Handlers() {
    }

    public static RequestHandler create(PipelineConfig config) {
        return create(config, Handlers.class.getClassLoader());
    }

    /** @param loader where plug-in handlers are looked for (the jars of {@code run --handler-jar}) */
    public static RequestHandler create(PipelineConfig config, ClassLoader loader) {
        String type = config.handler().type();
        return switch (type) {
            case "simulated" -> new SimulatedDownstream(config.handler().simulated());
            case "http" -> new HttpHandler(config.handler().httpUrl(), config.window().handlerTimeout(),
                    config.handler().httpMaxResponseBytes());
            default -> plugIn(type, config, loader);
        };
    }

    private static RequestHandler plugIn(String type, PipelineConfig config, ClassLoader loader) {
        List<String> names = new ArrayList<>();
        for (HandlerProvider provider : ServiceLoader.load(HandlerProvider.class, loader)) {
            if (provider.name().equals(type)) {
                return provider.create(config, config.handler().ownSettings(type));
            }
            names.add(provider.name());
        }
        return byClassName(type, config, loader, names);
    }

    private static RequestHandler byClassName(String className, PipelineConfig config, ClassLoader loader, List<String> providers) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("pipeline.handler.type must be simulated, http, the name of a handler of a --handler-jar "
                    + (providers.isEmpty() ? "(none found)" : "(found: " + String.join(", ", providers) + ")")
                    + " or the class name of a RequestHandler on the class path, was " + className);
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
