package io.backpressure.pipeline.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The one place that turns configuration sources into a {@link PipelineConfig}. Later sources win:
 * built-in defaults, then the properties file, then environment variables ({@code PIPELINE_WINDOW_CAPACITY}),
 * then flags ({@code --set pipeline.window.capacity=500}). Any Kafka Streams or client property passes through
 * as {@code kafka.<name>}. An unknown {@code pipeline.*} name is an error, so a typo never goes unnoticed.
 */
public final class ConfigLoader {
    private final Map<String, String> values = new LinkedHashMap<>();

    public ConfigLoader() {
        for (Setting s : Setting.ALL) {
            values.put(s.name(), s.defaultValue());
        }
    }

    public ConfigLoader file(Path path) {
        if (path == null) {
            return this;
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("--config file " + path + " does not exist or is not readable");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("--config file " + path + " could not be read: " + e.getMessage());
        }
        props.stringPropertyNames().forEach(name -> put(name, props.getProperty(name), "file " + path));
        return this;
    }

    public ConfigLoader environment(Map<String, String> env) {
        for (Setting s : Setting.ALL) {
            String value = env.get(s.envName());
            if (value != null) {
                values.put(s.name(), value);
            }
        }
        return this;
    }

    /** Applies overrides given as flags; each entry is a setting name and its value. */
    public ConfigLoader overrides(Map<String, String> overrides) {
        overrides.forEach((k, v) -> put(k, v, "flag"));
        return this;
    }

    public ConfigLoader set(String name, String value) {
        put(name, value, "flag");
        return this;
    }

    private void put(String name, String value, String source) {
        String key = name.strip();
        if (!key.startsWith("kafka.") && Setting.named(key) == null) {
            throw new IllegalArgumentException("unknown setting " + key + " (from " + source
                    + "); pipeline settings are listed by 'pipeline config', Kafka properties go as kafka.<name>");
        }
        values.put(key, value.strip());
    }

    public PipelineConfig load() {
        Map<String, String> streams = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                streams.put(k.substring("kafka.".length()), v);
            }
        });
        KafkaSettings kafka = new KafkaSettings(
                get("pipeline.bootstrap-servers"),
                get("pipeline.schema-registry.url"),
                get("pipeline.schema-registry.timeout").isEmpty() ? null : duration("pipeline.schema-registry.timeout"),
                get("pipeline.application-id"),
                ProcessingGuarantee.parse("pipeline.processing-guarantee", get("pipeline.processing-guarantee")),
                get("pipeline.state-dir"),
                streams);
        TopicSettings topics = new TopicSettings(
                get("pipeline.topics.input"),
                get("pipeline.topics.results"),
                get("pipeline.topics.dropped"),
                integer("pipeline.topics.partitions"),
                (short) integer("pipeline.topics.replication-factor"));
        WindowSettings window = new WindowSettings(
                integer("pipeline.window.capacity"),
                duration("pipeline.handler.timeout"),
                duration("pipeline.window.forward-interval"));
        HandlerSettings handler = new HandlerSettings(
                get("pipeline.handler.type"),
                new HandlerSettings.SimulatedDownstream(
                        duration("pipeline.handler.simulated.latency"),
                        get("pipeline.handler.simulated.distribution"),
                        decimal("pipeline.handler.simulated.failure-rate"),
                        integer("pipeline.handler.simulated.concurrency"),
                        longValue("pipeline.handler.simulated.seed")),
                get("pipeline.handler.http.url"),
                integer("pipeline.handler.http.max-response-bytes"));
        RetrySettings retry = new RetrySettings(
                integer("pipeline.retry.max-attempts"),
                get("pipeline.retry.backoff"),
                duration("pipeline.retry.base"),
                duration("pipeline.retry.cap"),
                integer("pipeline.retry.budget.tokens"),
                integer("pipeline.retry.budget.retry-cost"),
                integer("pipeline.retry.budget.success-refund"),
                duration("pipeline.retry.default-ttl"),
                integer("pipeline.retry.max-pending-per-task"),
                duration("pipeline.retry.release-interval"),
                get("pipeline.retry.retry-after-cap").isEmpty() ? null : duration("pipeline.retry.retry-after-cap"));
        HealthSettings health = new HealthSettings(
                integer("pipeline.health.pause-after-failures"),
                duration("pipeline.health.probe-interval"),
                duration("pipeline.health.max-probe-interval"),
                get("pipeline.health.probe-url"));
        ObservabilitySettings observability = new ObservabilitySettings(
                get("pipeline.http.host"),
                integer("pipeline.http.port"),
                duration("pipeline.lag.refresh-interval"));
        LifecycleSettings lifecycle = new LifecycleSettings(
                integer("pipeline.stream-thread.max-replacements"),
                duration("pipeline.stream-thread.replacement-window"),
                duration("pipeline.shutdown.grace"),
                get("pipeline.instance-id"));
        DecodeSettings decode = new DecodeSettings(
                integer("pipeline.decode.max-value-bytes"),
                integer("pipeline.decode.max-collection-items"));
        return new PipelineConfig(kafka, topics, decode, window, handler, retry, health, observability, lifecycle);
    }

    /** The effective values, for {@code pipeline config}. */
    public Map<String, String> effectiveValues() {
        return Map.copyOf(values);
    }

    private String get(String name) {
        return values.get(name);
    }

    private int integer(String name) {
        try {
            return Integer.parseInt(get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + get(name) + "'");
        }
    }

    private long longValue(String name) {
        try {
            return Long.parseLong(get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + get(name) + "'");
        }
    }

    private double decimal(String name) {
        try {
            return Double.parseDouble(get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + get(name) + "'");
        }
    }

    private java.time.Duration duration(String name) {
        return Durations.parse(name, get(name));
    }
}
