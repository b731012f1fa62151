package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.lag.LagReader;
import io.backpressure.pipeline.lag.LagReport;
import io.backpressure.pipeline.lag.LagStatus;
import io.backpressure.pipeline.lag.LagTable;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lag", description = {
        "Show the pipeline's consumer lag per partition: committed offset, end offset, lag in offsets and in time, and a status",
        "judged over an evaluation window: OK, LAGGING (lag grew), STALLED (lag but no commits), IDLE (no new records).",
        "Exit status 3 when any partition is STALLED, so it can serve as a health check."})
final class LagCommand implements Callable<Integer> {
    static final int STALLED_EXIT = 3;

    @Mixin
    ConfigOptions options;

    @Option(names = "--group", description = "consumer group (default: pipeline.application-id)")
    String group;

    @Option(names = "--watch", description = "refresh until Ctrl-C")
    boolean watch;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--window", defaultValue = "6s", description = "evaluation window for the status (default: ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--samples", defaultValue = "3", description = "samples taken across the window (default: ${DEFAULT-VALUE})")
    int samples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PipelineConfig config = options.load();
        String groupId = group != null ? group : config.kafka().applicationId();
        Duration evaluation = Durations.parse("--window", window);
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, was " + samples);
        }
        long gapMillis = samples == 1 ? 0 : evaluation.toMillis() / (samples - 1);
        PrintWriter out = spec.commandLine().getOut();
        SplittableRandom jitter = new SplittableRandom();
        LagReport report = new LagReport(samples);
        Set<String> topics = Set.of(config.topics().input());
        Reachability.quietKafkaClients();
        Reachability.requireBroker(config);
        try (LagReader reader = new LagReader(config.kafka().clients(), Clock.systemUTC())) {
            for (int i = 0; i < samples; i++) {
                if (i > 0) {
                    Thread.sleep(gapMillis);
                }
                report.add(reader.read(groupId, topics));
            }
            print(out, groupId, report);
            while (watch) {
                // Jittered so many watchers never poll the brokers in step.
                Thread.sleep((long) (Math.max(gapMillis, 1000) * (0.8 + 0.4 * jitter.nextDouble())));
                report.add(reader.read(groupId, topics));
                out.println();
                print(out, groupId, report);
            }
        }
        return report.overall() == LagStatus.STALLED ? STALLED_EXIT : 0;
    }

    private void print(PrintWriter out, String groupId, LagReport report) {
        if (json) {
            LagTable.printJson(out, groupId, report);
        } else {
            LagTable.print(out, groupId, report);
        }
    }
}
