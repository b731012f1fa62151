package io.backpressure.pipeline.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What every Kafka client the product creates (Admin, producer, consumer, in every command and benchmark) is built
 * from, so one configuration reaches a secured cluster everywhere: {@code kafka.<name>} applies to every kind that
 * knows the setting, and {@code kafka.admin.<name>}, {@code kafka.producer.<name>}, {@code kafka.consumer.<name>} to
 * one kind only, as Kafka Streams' own prefixes do. Kafka Streams itself gets the same settings.
 */
public record ClientConfigs(Map<String, Object> admin, Map<String, Object> producer, Map<String, Object> consumer,
                            Map<String, Object> registry) {

    public ClientConfigs {
        admin = Map.copyOf(admin);
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
        registry = Map.copyOf(registry);
    }

    /** @param kafkaSettings the {@code kafka.*} settings without their {@code kafka.} prefix */
    public static ClientConfigs of(String bootstrapServers, Map<String, String> kafkaSettings) {
        return of(bootstrapServers, kafkaSettings, Map.of());
    }

    /**
     * @param kafkaSettings    the {@code kafka.*} settings without their {@code kafka.} prefix
     * @param registrySettings the schema registry client's settings under Confluent's names (credentials, TLS)
     */
    public static ClientConfigs of(String bootstrapServers, Map<String, String> kafkaSettings, Map<String, String> registrySettings) {
        Map<String, Object> admin = new HashMap<>();
        Map<String, Object> producer = new HashMap<>();
        Map<String, Object> consumer = new HashMap<>();
        kafkaSettings.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                admin.put(name, value);
            }
            if (ProducerConfig.configNames().contains(name)) {
                producer.put(name, value);
            }
            if (ConsumerConfig.configNames().contains(name)) {
                consumer.put(name, value);
            }
        });
        kafkaSettings.forEach((name, value) -> {
            putIfPrefixed(admin, "admin.", name, value);
            putIfPrefixed(producer, "producer.", name, value);
            putIfPrefixed(consumer, "consumer.", name, value);
        });
        for (Map<String, Object> kind : java.util.List.of(admin, producer, consumer)) {
            kind.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        return new ClientConfigs(admin, producer, consumer, Map.copyOf(registrySettings));
    }

    /** No settings but the address: for a local broker. */
    public static ClientConfigs bootstrapOnly(String bootstrapServers) {
        return of(bootstrapServers, Map.of());
    }

    private static void putIfPrefixed(Map<String, Object> kind, String prefix, String name, String value) {
        if (name.startsWith(prefix)) {
            kind.put(name.substring(prefix.length()), value);
        }
    }

    /** The admin settings with the caller's own added; the caller's win, since the caller depends on them. */
    public Map<String, Object> admin(Map<String, Object> own) {
        return merged(admin, own);
    }

    public Map<String, Object> producer(Map<String, Object> own) {
        return merged(producer, own);
    }

    public Map<String, Object> consumer(Map<String, Object> own) {
        return merged(consumer, own);
    }

    /** A serde's configuration: the registry client's settings, the URL, and the caller's own. */
    public Map<String, Object> serde(String registryUrl, Map<String, Object> own) {
        Map<String, Object> all = new HashMap<>(registry);
        all.put("schema.registry.url", registryUrl);
        all.putAll(own);
        return all;
    }

    public String bootstrapServers() {
        return (String) admin.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    private static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> own) {
        Map<String, Object> all = new HashMap<>(base);
        all.putAll(own);
        return all;
    }
}
