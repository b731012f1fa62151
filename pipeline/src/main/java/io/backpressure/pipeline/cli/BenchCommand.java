package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.bench.Bench;
import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Run a benchmark on the local broker (started if needed); ends with a RESULT <json> line. "
        + "Scenarios: overhead, littles-law, pc-workload, backlog-memory, retry-lateness, retry-amplification, overload.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "overhead, littles-law, pc-workload, backlog-memory, "
            + "retry-lateness, retry-amplification or overload")
    String scenario;

    @Option(names = "--records", description = "records to use (default depends on the scenario)")
    Long records;

    @Option(names = "--duration", defaultValue = "30s", description = "how long time-bound scenarios run (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--csv", paramLabel = "FILE", description = "overload: write the per-second series as CSV")
    Path csv;

    @Option(names = "--svg", paramLabel = "FILE", description = "overload: draw goodput and downstream load over time as SVG")
    Path svg;

    @Option(names = "--data-dir", defaultValue = ".pipeline-local", description = "data of the local stack if the bench starts it")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Bench.Scenario chosen = Bench.Scenario.parse(scenario);
        PipelineConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        return LocalStackUse.withStack(config, dataDir, out, () -> {
            Bench.run(chosen, config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), records,
                    Durations.parse("--duration", duration), csv, svg, out);
            return 0;
        });
    }
}
