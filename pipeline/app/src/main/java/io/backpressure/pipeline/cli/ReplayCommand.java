package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.replay.DroppedReplayer;
import io.backpressure.pipeline.replay.ReplayFilter;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", description = "Re-publish dropped requests to the input topic with attempts reset, after an outage is "
        + "fixed. Safe to interrupt and run again: no record is replayed twice.")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--reason", split = ",", required = true,
            description = "drop reasons to replay: RETRIES_EXHAUSTED, NON_RETRYABLE, DEADLINE_EXCEEDED, RETRY_BUDGET_EXHAUSTED, UNDECODABLE, INVALID_RETRY_STATE, RESULT_TOO_LARGE")
    List<String> reasons;

    @Option(names = "--since", description = "only drops at or after this time: an ISO instant (2026-11-26T10:00:00Z) or an age (2h)")
    String since;

    @Option(names = "--until", description = "only drops before this time: an ISO instant or an age")
    String until;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        Set<DropReason> chosen = EnumSet.noneOf(DropReason.class);
        for (String r : reasons) {
            try {
                chosen.add(DropReason.valueOf(r.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--reason must be one of " + List.of(DropReason.values()) + ", was " + r);
            }
        }
        ReplayFilter filter = new ReplayFilter(chosen, instant("--since", since), instant("--until", until));
        DroppedReplayer replayer = new DroppedReplayer(config.kafka().clients(), config.kafka().applicationId(),
                config.topics().dropped(), config.topics().input());
        long replayed = replayer.replay(filter, p -> {
            out.printf("  %s: scanned %,d, replayed %,d%n", p.reason(), p.scanned(), p.replayed());
            out.flush();
        });
        out.printf("replayed %,d dropped request(s) from %s to %s%n", replayed, config.topics().dropped(), config.topics().input());
        out.flush();
        return 0;
    }

    private static Instant instant(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            return Instant.now().minus(Durations.parse(option, value));
        }
    }
}
