package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Secrets;
import io.backpressure.pipeline.config.Setting;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Validate the configuration and print every effective setting with where it came from; "
        + "passwords, JAAS configurations, tokens and the credentials and query of URLs are shown as [hidden].")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "the settings as JSON: name, value, source and environment variable")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var loader = options.loader();
        loader.load();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> values = new TreeMap<>(loader.effectiveValues());
        if (json) {
            List<Map<String, Object>> settings = new ArrayList<>();
            values.forEach((name, value) -> {
                Setting setting = Setting.named(name);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", name);
                row.put("value", Secrets.redact(name, value));
                row.put("source", loader.sourceOf(name));
                row.put("env", setting == null ? null : setting.envName());
                settings.add(row);
            });
            JsonOutput.print(out, Map.of("valid", true, "settings", settings));
        } else {
            values.forEach((name, value) -> {
                Setting setting = Setting.named(name);
                out.printf("%-44s %-40s %-30s %s%n", name, Secrets.redact(name, value), loader.sourceOf(name),
                        setting == null ? "(Kafka property)" : "env " + setting.envName());
            });
            out.println("configuration OK");
        }
        out.flush();
        return 0;
    }
}
