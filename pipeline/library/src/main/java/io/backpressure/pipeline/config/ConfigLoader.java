package io.backpressure.pipeline.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns configuration sources into a {@link PipelineConfig}. Later sources win:
 * built-in defaults, then the properties file, then environment variables ({@code PIPELINE_WINDOW_CAPACITY}),
 * then flags ({@code --set pipeline.window.capacity=500}). Any Kafka Streams or client property passes through
 * as {@code kafka.<name>}, from the environment too ({@code PIPELINE_KAFKA_SASL_JAAS_CONFIG} is
 * {@code kafka.sasl.jaas.config}). An unknown {@code pipeline.*} name is an error, so a typo never goes unnoticed;
 * an unknown {@code kafka.*} name is a warning naming the closest known one.
 *
 * <p>A value may reference a secret instead of holding it, with Kafka's config providers: {@code ${file:/path:key}}
 * (a key of a properties file), {@code ${dir:/path:file}} (a file's content) or {@code ${env:NAME}}. References are
 * resolved when the configuration is loaded; {@link #effectiveValues()} keeps them unresolved.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final String KAFKA_ENV_PREFIX = "PIPELINE_KAFKA_";
    private static final String REGISTRY_ENV_PREFIX = "PIPELINE_SCHEMA_REGISTRY_";
    /** Settings the pipeline has its own name for: the same thing given twice with different values is refused. */
    private static final Map<String, String> SAME_AS = Map.of(
            "kafka.bootstrap.servers", "pipeline.bootstrap-servers",
            "kafka.application.id", "pipeline.application-id",
            "kafka.processing.guarantee", "pipeline.processing-guarantee",
            "kafka.state.dir", "pipeline.state-dir");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new HashMap<>();
    private Map<String, String> resolved = Map.of();

    public ConfigLoader() {
        for (Setting s : Setting.ALL) {
            values.put(s.name(), s.defaultValue());
            sources.put(s.name(), "default");
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
                put(s.name(), value, "environment " + s.envName());
            }
        }
        java.util.Set<String> settingNames = new java.util.HashSet<>();
        Setting.ALL.forEach(s -> settingNames.add(s.envName()));
        env.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
                put(kafkaNameOf(name), value, "environment " + name);
            } else if (name.startsWith(REGISTRY_ENV_PREFIX) && !settingNames.contains(name)) {
                put("schema.registry." + name.substring(REGISTRY_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value,
                        "environment " + name);
            }
        });
        return this;
    }

    /** {@code PIPELINE_KAFKA_SASL_JAAS_CONFIG} -> {@code kafka.sasl.jaas.config}. */
    static String kafkaNameOf(String environmentName) {
        return "kafka." + environmentName.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
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

    /** The schema registry client's own settings, under Confluent's names: passed to every serde as they are. */
    static boolean isRegistrySetting(String name) {
        return name.startsWith("schema.registry.") || name.startsWith("basic.auth.") || name.startsWith("bearer.auth.");
    }

    private void put(String name, String value, String source) {
        String key = name.strip();
        if (!key.startsWith("kafka.") && !isRegistrySetting(key) && Setting.named(key) == null && !HandlerSettings.isOwnSetting(key)) {
            throw new IllegalArgumentException("unknown setting " + key + " (from " + source + "); pipeline settings are listed by "
                    + "'pipeline config', Kafka properties go as kafka.<name>, the registry client's as schema.registry.<name>, "
                    + "a plug-in handler's own as pipeline.handler.<handler name>.<name>");
        }
        values.put(key, value.strip());
        sources.put(key, source);
    }

    /** @throws ConfigurationException naming the setting and the value, whatever check refused it */
    public PipelineConfig load() {
        try {
            return build();
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    private PipelineConfig build() {
        resolved = ConfigReferences.resolve(values);
        refuseSettingsNamedTwice();
        warnOfUnknownKafkaNames();
        Map<String, String> streams = new HashMap<>();
        Map<String, String> registry = new HashMap<>();
        resolved.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                streams.put(k.substring("kafka.".length()), v);
            } else if (isRegistrySetting(k)) {
                registry.put(k, v);
            }
        });
        KafkaSettings kafka = new KafkaSettings(
                get("pipeline.bootstrap-servers"),
                get("pipeline.schema-registry.url"),
                get("pipeline.schema-registry.timeout").isEmpty() ? null : duration("pipeline.schema-registry.timeout"),
                get("pipeline.application-id"),
                ProcessingGuarantee.parse("pipeline.processing-guarantee", get("pipeline.processing-guarantee")),
                get("pipeline.state-dir"),
                streams,
                registry);
        TopicSettings topics = new TopicSettings(
                get("pipeline.topics.input"),
                get("pipeline.topics.results"),
                get("pipeline.topics.dropped"),
                integer("pipeline.topics.partitions"),
                (short) integer("pipeline.topics.replication-factor"),
                bool("pipeline.topics.create"));
        WindowSettings window = new WindowSettings(
                integer("pipeline.window.capacity"),
                duration("pipeline.handler.timeout"),
                duration("pipeline.window.forward-interval"),
                new WindowSettings.Limit(
                        get("pipeline.window.limit"),
                        integer("pipeline.window.limit.initial"),
                        integer("pipeline.window.limit.min"),
                        duration("pipeline.window.limit.sample-window"),
                        decimal("pipeline.window.limit.aimd.backoff-ratio"),
                        decimal("pipeline.window.limit.gradient2.rtt-tolerance")));
        HandlerSettings handler = new HandlerSettings(
                get("pipeline.handler.type"),
                new HandlerSettings.SimulatedDownstream(
                        duration("pipeline.handler.simulated.latency"),
                        get("pipeline.handler.simulated.distribution"),
                        decimal("pipeline.handler.simulated.failure-rate"),
                        integer("pipeline.handler.simulated.concurrency"),
                        longValue("pipeline.handler.simulated.seed"),
                        CapacitySchedule.parse("pipeline.handler.simulated.capacity-schedule",
                                get("pipeline.handler.simulated.capacity-schedule"))),
                get("pipeline.handler.http.url"),
                integer("pipeline.handler.http.max-response-bytes"),
                handlersOwnSettings());
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
        CommitSettings commit = new CommitSettings(
                CommitSettings.Mode.parse("pipeline.commit.mode", get("pipeline.commit.mode")),
                duration("pipeline.commit.handover-wait"));
        OrderingSettings ordering = new OrderingSettings(
                OrderingSettings.Mode.parse("pipeline.ordering", get("pipeline.ordering")),
                integer("pipeline.ordering.max-parked"));
        return new PipelineConfig(kafka, topics, decode, window, handler, retry, commit, ordering, health, observability, lifecycle);
    }

    /** Plug-in handlers' own settings; a warning when none of them is for the handler in use, which is likely a mistake. */
    private Map<String, String> handlersOwnSettings() {
        Map<String, String> own = new HashMap<>();
        resolved.forEach((name, value) -> {
            if (HandlerSettings.isOwnSetting(name)) {
                own.put(name, value);
            }
        });
        String prefix = "pipeline.handler." + get("pipeline.handler.type") + ".";
        own.keySet().stream().filter(name -> !name.startsWith(prefix)).sorted().forEach(name -> LOG.warn(
                "{} (from {}) is for another handler than pipeline.handler.type={}; it is ignored", name, sources.get(name),
                get("pipeline.handler.type")));
        return own;
    }

    private void refuseSettingsNamedTwice() {
        SAME_AS.forEach((kafkaName, pipelineName) -> {
            String kafkaValue = resolved.get(kafkaName);
            if (kafkaValue != null && !kafkaValue.equals(resolved.get(pipelineName))) {
                throw new IllegalStateException(kafkaName + "=" + Secrets.redact(kafkaName, kafkaValue) + " and " + pipelineName + "="
                        + Secrets.redact(pipelineName, resolved.get(pipelineName)) + " name the same setting: set " + pipelineName + " only");
            }
        });
    }

    private void warnOfUnknownKafkaNames() {
        values.keySet().stream().filter(k -> k.startsWith("kafka.")).forEach(k -> {
            String closest = KafkaNames.unknownClosestTo(k.substring("kafka.".length()));
            if (closest != null) {
                LOG.warn("{} (from {}) is not a setting of Kafka Streams or its clients; did you mean kafka.{}?", k, sources.get(k), closest);
            }
        });
    }

    /** The values as given, with config references unresolved: safe to pass on, for example to a child JVM. */
    public Map<String, String> effectiveValues() {
        return Map.copyOf(values);
    }

    /** Where each value came from: {@code default}, {@code file <path>}, {@code environment <NAME>} or {@code flag}. */
    public String sourceOf(String name) {
        return sources.getOrDefault(name, "default");
    }

    private String get(String name) {
        return resolved.get(name);
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

    private boolean bool(String name) {
        String value = get(name);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
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
