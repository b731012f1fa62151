package io.backpressure.pipeline.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Resolves references to secrets kept elsewhere, with Kafka's own config providers: {@code ${file:/path:key}},
 * {@code ${dir:/path:file}} and {@code ${env:NAME}}. A reference that cannot be resolved fails, naming the setting.
 */
final class ConfigReferences {
    private ConfigReferences() {
    }

    static Map<String, String> resolve(Map<String, String> values) {
        if (values.values().stream().noneMatch(v -> v != null && v.contains("${"))) {
            return values;
        }
        Map<String, ConfigProvider> providers = new HashMap<>();
        providers.put("file", configured(new FileConfigProvider()));
        providers.put("dir", configured(new DirectoryConfigProvider()));
        providers.put("env", configured(new EnvVarConfigProvider()));
        Map<String, String> resolved = new HashMap<>(values);
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue() == null || !e.getValue().contains("${")) {
                continue;
            }
            String value;
            try {
                value = new ConfigTransformer(providers).transform(Map.of(e.getKey(), e.getValue())).data().get(e.getKey());
            } catch (ConfigException failed) {
                throw new IllegalArgumentException(e.getKey() + " references a value that cannot be read: " + failed.getMessage());
            }
            if (value.contains("${file:") || value.contains("${dir:") || value.contains("${env:")) {
                throw new IllegalArgumentException(e.getKey() + " references a value that does not exist: " + e.getValue());
            }
            resolved.put(e.getKey(), value);
        }
        providers.values().forEach(p -> {
            try {
                p.close();
            } catch (java.io.IOException ignored) {
                // nothing was opened
            }
        });
        return resolved;
    }

    private static ConfigProvider configured(ConfigProvider provider) {
        provider.configure(Map.of());
        return provider;
    }
}
