package io.backpressure.pipeline.config;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which downstream handler the pipeline calls.
 *
 * @param type          {@code simulated}, {@code http}, or the class name of a user handler
 * @param simulated     settings of the built-in simulated downstream
 * @param httpUrl       the URL the {@code http} handler posts each payload to
 * @param httpMaxResponseBytes larger response bodies fail the call, non-retryably, instead of being read whole
 * @param own                  plug-in handlers' own settings, {@code pipeline.handler.<name>.<key>}, by full name: passed
 *                             to the handler as they are, never checked here
 */
public record HandlerSettings(String type, SimulatedDownstream simulated, String httpUrl, int httpMaxResponseBytes,
                              Map<String, String> own) {
    private static final String PREFIX = "pipeline.handler.";

    /** Whether {@code name} is a plug-in handler's own setting: {@code pipeline.handler.<name>.<key>}, not a built-in's. */
    public static boolean isOwnSetting(String name) {
        if (!name.startsWith(PREFIX)) {
            return false;
        }
        String rest = name.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        return dot > 0 && dot < rest.length() - 1 && !java.util.Set.of("simulated", "http").contains(rest.substring(0, dot));
    }

    /** The settings of the handler named {@code handlerName}, without their {@code pipeline.handler.<name>.} prefix. */
    public Map<String, String> ownSettings(String handlerName) {
        String prefix = PREFIX + handlerName + ".";
        Map<String, String> settings = new TreeMap<>();
        own.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                settings.put(name.substring(prefix.length()), value);
            }
        });
        return settings;
    }

    public HandlerSettings {
        Check.notBlank("pipeline.handler.type", type);
        own = Map.copyOf(own);
        Check.atLeast("pipeline.handler.http.max-response-bytes", httpMaxResponseBytes, 1);
        if (type.equals("http") && (httpUrl == null || !(httpUrl.startsWith("http://") || httpUrl.startsWith("https://")))) {
            throw new IllegalStateException("pipeline.handler.type=http needs pipeline.handler.http.url (an http:// or https:// URL), was "
                    + httpUrl);
        }
    }

    /**
     * A downstream that takes time and sometimes fails, so the pipeline can be seen working without a real service.
     *
     * @param latency             mean service time of one call
     * @param distribution        {@code fixed}, {@code uniform} (0 to 2x the mean) or {@code exponential}
     * @param failureRate         share of calls that fail with a retryable error
     * @param concurrency         calls served at once; 0 for unlimited. Past it calls queue, which is how overload shows
     * @param seed                seed of the downstream's random draws, for repeatable runs
     * @param capacitySchedule    changes of {@code concurrency} over time; empty for none
     */
    public record SimulatedDownstream(Duration latency, String distribution, double failureRate, int concurrency, long seed,
                                      CapacitySchedule capacitySchedule) {

        public SimulatedDownstream(Duration latency, String distribution, double failureRate, int concurrency, long seed) {
            this(latency, distribution, failureRate, concurrency, seed, CapacitySchedule.NONE);
        }

        public SimulatedDownstream {
            Check.notNegative("pipeline.handler.simulated.latency", latency);
            if (!java.util.List.of("fixed", "uniform", "exponential").contains(distribution)) {
                throw new IllegalArgumentException(
                        "pipeline.handler.simulated.distribution must be one of fixed, uniform, exponential, was " + distribution);
            }
            Check.between("pipeline.handler.simulated.failure-rate", failureRate, 0.0, 1.0);
            Check.atLeast("pipeline.handler.simulated.concurrency", concurrency, 0);
        }
    }
}
