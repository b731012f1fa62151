package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.lag.LagReader;
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

@Command(name = "lag", description = "Show the pipeline's consumer lag per partition: committed offset, end offset, lag in offsets and in time.")
final class LagCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--group", description = "consumer group (default: pipeline.application-id)")
    String group;

    @Option(names = "--watch", description = "refresh until Ctrl-C")
    boolean watch;

    @Option(names = "--interval", defaultValue = "2s", description = "refresh interval with --watch, jittered +-20% (default: ${DEFAULT-VALUE})")
    String interval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PipelineConfig config = options.load();
        String groupId = group != null ? group : config.kafka().applicationId();
        Duration every = Durations.parse("--interval", interval);
        PrintWriter out = spec.commandLine().getOut();
        SplittableRandom jitter = new SplittableRandom();
        try (LagReader reader = new LagReader(config.kafka().bootstrapServers(), Clock.systemUTC())) {
            do {
                LagTable.print(out, groupId, reader.read(groupId, Set.of(config.topics().input())));
                if (watch) {
                    Thread.sleep((long) (every.toMillis() * (0.8 + 0.4 * jitter.nextDouble())));
                    out.println();
                }
            } while (watch);
        }
        return 0;
    }
}
