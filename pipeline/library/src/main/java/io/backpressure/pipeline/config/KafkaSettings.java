package io.backpressure.pipeline.config;

import java.util.Map;

/**
 * Where the pipeline connects and how Kafka Streams runs it.
 *
 * @param registryTimeout  how long one schema registry request may take, per URL tried; null to derive it from the
 *                         stream thread's blocking bound (see {@link PipelineConfig#registryTimeout()})
 * @param streamsOverrides any Kafka Streams or client property, given as {@code kafka.<name>} in the configuration
 * @param registrySettings the registry client's own settings under Confluent's names ({@code basic.auth.*},
 *                         {@code bearer.auth.*}, {@code schema.registry.ssl.*})
 */
public record KafkaSettings(
        String bootstrapServers,
        String schemaRegistryUrl,
        java.time.Duration registryTimeout,
        String applicationId,
        ProcessingGuarantee guarantee,
        String stateDir,
        Map<String, String> streamsOverrides,
        Map<String, String> registrySettings) {

    public KafkaSettings {
        Check.notBlank("pipeline.bootstrap-servers", bootstrapServers);
        Check.notBlank("pipeline.schema-registry.url", schemaRegistryUrl);
        if (!schemaRegistryUrl.startsWith("http://") && !schemaRegistryUrl.startsWith("https://")
                && !schemaRegistryUrl.startsWith("mock://")) {
            throw new IllegalArgumentException("pipeline.schema-registry.url must start with http://, https:// or mock://, was "
                    + schemaRegistryUrl);
        }
        if (registryTimeout != null) {
            Check.positive("pipeline.schema-registry.timeout", registryTimeout);
        }
        Check.notBlank("pipeline.application-id", applicationId);
        if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("pipeline.application-id may contain only letters, digits, '.', '_' and '-', was "
                    + applicationId);
        }
        Check.notBlank("pipeline.state-dir", stateDir);
        streamsOverrides = Map.copyOf(streamsOverrides);
        registrySettings = Map.copyOf(registrySettings);
    }

    /** The settings every Kafka client of this configuration is built from. */
    public ClientConfigs clients() {
        return ClientConfigs.of(bootstrapServers, streamsOverrides, registrySettings);
    }

    /** Registry URLs a request may try in turn (the setting is comma-separated). */
    public int registryUrlCount() {
        return schemaRegistryUrl.split(",").length;
    }
}
