package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.bench.Bench;
import io.backpressure.pipeline.bench.LittlesLawBench;
import io.backpressure.pipeline.config.Check;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.config.ProcessingGuarantee;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Run a benchmark on the local broker (started if needed); ends with a RESULT <json> line. "
        + "Scenarios: overhead, littles-law, pc-workload, backlog-memory, retry-lateness, retry-amplification, overload, restart, adaptive, replay, scale-out, ordering, chaos "
        + "(chaos starts a broker and registry of its own, which it stops and restarts). "
        + "Each scenario fixes its pipeline.* settings; --set kafka.<name>=<value> tunes Kafka Streams and its clients. "
        + "The topics a run creates are deleted when it ends.")
final class BenchCommand implements Callable<Integer> {
    private static final Set<String> ADDRESSES = Set.of("pipeline.bootstrap-servers", "pipeline.schema-registry.url");

    @Mixin
    ConfigOptions options;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "overhead, littles-law, pc-workload, backlog-memory, "
            + "retry-lateness, retry-amplification, overload, restart, adaptive, replay or chaos")
    String scenario;

    @Option(names = "--records", description = "records to use (default depends on the scenario)")
    Long records;

    @Option(names = "--duration", description = "how long time-bound scenarios run (default: 30s; chaos: 3m)")
    String duration;

    @Option(names = "--guarantee", defaultValue = "at_least_once",
            description = "chaos, littles-law: at_least_once or exactly_once_v2 (default: ${DEFAULT-VALUE})")
    String guarantee;

    @Option(names = "--latency", defaultValue = "20ms", description = "littles-law: the downstream's fixed latency (default: ${DEFAULT-VALUE})")
    String latency;

    @Option(names = "--window", defaultValue = "1000", description = "littles-law: the window's capacity (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--seed", defaultValue = "1", description = "chaos: seed of the fault order and the downstream (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--csv", paramLabel = "FILE", description = "overload: write the per-second series as CSV")
    Path csv;

    @Option(names = "--svg", paramLabel = "FILE", description = "overload, adaptive: draw the run's series over time as SVG")
    Path svg;

    @Option(names = "--limit", defaultValue = "vegas",
            description = "adaptive: the adaptive limit run beside the fixed window: vegas, gradient2 or aimd (default: ${DEFAULT-VALUE})")
    String limit;

    @Option(names = "--data-dir", defaultValue = ".pipeline-local", description = "data of the local stack if the bench starts it")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /**
     * The {@code pipeline.*} settings, other than the addresses, that differ from their defaults. A shared --config file
     * or the environment may hold them for {@code run}; a benchmark does not use them, and says so.
     */
    static List<String> changedPipelineSettings(ConfigLoader loader) {
        Map<String, String> defaults = new ConfigLoader().effectiveValues();
        return loader.effectiveValues().entrySet().stream()
                .filter(e -> e.getKey().startsWith("pipeline.") && !ADDRESSES.contains(e.getKey()) && !e.getValue().equals(defaults.get(e.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public Integer call() throws Exception {
        Bench.Scenario chosen = Bench.Scenario.parse(scenario);
        ConfigLoader loader = options.loader();
        PipelineConfig config = loader.load();
        List<String> fixed = options.overrides.keySet().stream().filter(k -> k.startsWith("pipeline.") && !ADDRESSES.contains(k)).toList();
        if (!fixed.isEmpty()) {
            throw new IllegalArgumentException("bench: " + String.join(", ", fixed) + " cannot be set: each scenario fixes its own pipeline.* "
                    + "settings (see README, Benchmarks); kafka.* settings and the broker and registry addresses can");
        }
        Map<String, String> kafkaSettings = new TreeMap<>();
        loader.effectiveValues().forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                kafkaSettings.put(k, v);
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        ProcessingGuarantee chosenGuarantee = ProcessingGuarantee.parse("--guarantee", guarantee);
        LittlesLawBench.Setup littlesLaw = new LittlesLawBench.Setup(Check.positive("--latency", Durations.parse("--latency", latency)),
                Check.atLeast("--window", window, 1), chosenGuarantee);
        if (chosen == Bench.Scenario.CHAOS) {
            Bench.chaos(guarantee, Durations.parse("--duration", duration == null ? "3m" : duration), seed, dataDir, kafkaSettings, out);
            return 0;
        }
        if (!List.of("vegas", "gradient2", "aimd").contains(limit)) {
            throw new IllegalArgumentException("--limit must be vegas, gradient2 or aimd, was " + limit);
        }
        List<String> unused = changedPipelineSettings(loader);
        if (!unused.isEmpty()) {
            out.printf("note: each scenario fixes its own pipeline.* settings, so these from --config or the environment are not used: %s%n",
                    String.join(", ", unused));
        }
        return LocalStackUse.withStack(config, dataDir, out, spec.commandLine().getErr(), () -> {
            Bench.run(chosen, config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), kafkaSettings, records,
                    Durations.parse("--duration", duration == null ? "30s" : duration), csv, svg, limit, littlesLaw, out);
            return 0;
        });
    }
}
