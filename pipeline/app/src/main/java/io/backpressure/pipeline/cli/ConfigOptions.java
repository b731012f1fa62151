package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every command that talks to Kafka shares. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "properties file with pipeline.* and kafka.* settings")
    Path file;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override one setting, e.g. --set pipeline.window.capacity=500 (bench: kafka.* settings only)")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "shortcut for pipeline.bootstrap-servers")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL", description = "shortcut for pipeline.schema-registry.url")
    String registryUrl;

    ConfigLoader loader() {
        ConfigLoader loader = new ConfigLoader().file(file).environment(System.getenv()).overrides(overrides);
        if (bootstrapServers != null) {
            loader.set("pipeline.bootstrap-servers", bootstrapServers);
        }
        if (registryUrl != null) {
            loader.set("pipeline.schema-registry.url", registryUrl);
        }
        return loader;
    }

    PipelineConfig load() {
        return loader().load();
    }
}
