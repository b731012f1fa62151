package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.replay.DropSurvey;
import io.backpressure.pipeline.replay.DroppedReplayer;
import io.backpressure.pipeline.replay.Pacer;
import io.backpressure.pipeline.replay.ReplayFilter;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Re-publishes drops, paced so that the corrective action cannot become the next outage: every replayed request
 * joins the same input as fresh traffic, so a replay as fast as possible would put fresh requests behind the whole
 * backlog, past their deadlines.
 */
@Command(name = "replay", description = "Re-publish dropped requests to the input topic with attempts reset, after an outage is "
        + "fixed, at a pace fresh traffic can live with. Safe to interrupt and run again: no record is replayed twice.")
final class ReplayCommand implements Callable<Integer> {
    /** Above this many requests a replay asks first (or needs --yes). */
    static final long CONFIRM_ABOVE = 10_000;
    private static final int TOP_ERRORS = 3;

    @Mixin
    ConfigOptions options;

    @Option(names = "--reason", split = ",",
            description = "drop reasons to replay (required, except with --dry-run, which then surveys all): RETRIES_EXHAUSTED, NON_RETRYABLE, DEADLINE_EXCEEDED, RETRY_BUDGET_EXHAUSTED, UNDECODABLE, INVALID_RETRY_STATE, RESULT_TOO_LARGE")
    List<String> reasons = List.of();

    @Option(names = "--since", description = "only drops at or after this time: an ISO instant (2026-11-26T10:00:00Z) or an age (2h)")
    String since;

    @Option(names = "--until", description = "only drops before this time: an ISO instant or an age")
    String until;

    @Option(names = "--dry-run", description = "print, per reason, how many drops would be replayed, the oldest and newest, and the "
            + "most frequent errors; write nothing")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "N|max", defaultValue = "" + Pacer.DEFAULT_PER_SECOND,
            description = "requests per second to replay (default ${DEFAULT-VALUE}); 'max' for as fast as possible. Keep it below the "
                    + "downstream's spare capacity: replayed requests share the input with fresh ones")
    String rate;

    @Option(names = "--yes", description = "replay more than 10,000 requests without asking")
    boolean yes;

    @Option(names = "--json", description = "one JSON summary on standard output (progress and questions go to standard error)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PipelineConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter human = json ? spec.commandLine().getErr() : out;
        ReplayFilter filter = new ReplayFilter(chosenReasons(), instant("--since", since), instant("--until", until));
        Pacer pacer = Pacer.of(parseRate());
        Reachability.quietKafkaClients();
        Reachability.requireBroker(config);
        Map<DropReason, DropSurvey.ReasonSummary> survey = DropSurvey.survey(config.kafka().clients(), config.kafka().applicationId(),
                config.topics().dropped(), filter, TOP_ERRORS);
        long total = survey.values().stream().mapToLong(DropSurvey.ReasonSummary::count).sum();
        if (dryRun) {
            if (json) {
                JsonOutput.print(out, summary(config, 0, total, survey));
            } else {
                printSurvey(out, survey, config.topics().dropped());
                out.printf("dry run: %,d request(s) would be replayed to %s; nothing was written%n", total, config.topics().input());
                out.flush();
            }
            return 0;
        }
        long replayed = 0;
        if (total == 0) {
            human.printf("nothing to replay from %s for %s%n", config.topics().dropped(), filter.reasons());
            human.flush();
        } else {
            if (total > CONFIRM_ABOVE && !yes) {
                Integer refused = askFirst(human, total, pacer, config.topics().input());
                if (refused != null) {
                    return refused;
                }
            }
            ReplayProgress progress = new ReplayProgress(human, System.console() != null, total);
            replayed = new DroppedReplayer(config.kafka().clients(), config.kafka().applicationId(), config.topics().dropped(),
                    config.topics().input()).replay(filter, pacer, p -> progress.update(p.replayedInAll()));
            progress.done(replayed);
            human.printf("replayed %,d dropped request(s) from %s to %s%n", replayed, config.topics().dropped(), config.topics().input());
            human.flush();
        }
        if (json) {
            JsonOutput.print(out, summary(config, replayed, total, survey));
        }
        return 0;
    }

    /** {@code --json}: what was (or, in a dry run, would be) replayed, and the survey per reason. */
    private Map<String, Object> summary(PipelineConfig config, long replayed, long total, Map<DropReason, DropSurvey.ReasonSummary> survey) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dryRun", dryRun);
        doc.put("from", config.topics().dropped());
        doc.put("to", config.topics().input());
        doc.put("matching", total);
        doc.put("replayed", replayed);
        List<Map<String, Object>> reasons = new ArrayList<>();
        for (DropSurvey.ReasonSummary s : survey.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("reason", s.reason().name());
            row.put("count", s.count());
            row.put("oldest", s.oldest() == null ? null : s.oldest().toString());
            row.put("newest", s.newest() == null ? null : s.newest().toString());
            row.put("topErrors", s.topErrors().stream().map(e -> Map.of("error", e.getKey(), "count", e.getValue())).toList());
            reasons.add(row);
        }
        doc.put("reasons", reasons);
        return doc;
    }

    private Set<DropReason> chosenReasons() {
        if (reasons.isEmpty()) {
            if (!dryRun) {
                throw new ParameterException(spec.commandLine(), "--reason is required to replay: name the reasons whose cause is fixed"
                        + " (--dry-run without --reason shows every reason's drops)");
            }
            return EnumSet.allOf(DropReason.class);
        }
        Set<DropReason> chosen = EnumSet.noneOf(DropReason.class);
        for (String r : reasons) {
            try {
                chosen.add(DropReason.valueOf(r.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--reason must be one of " + List.of(DropReason.values()) + ", was " + r);
            }
        }
        return chosen;
    }

    private double parseRate() {
        if (rate.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double perSecond = Double.parseDouble(rate);
            if (perSecond > 0 && !Double.isInfinite(perSecond)) {
                return perSecond;
            }
        } catch (NumberFormatException notANumber) {
            // falls through to the error below
        }
        throw new ParameterException(spec.commandLine(), "--rate must be a positive number of requests per second, or max; was " + rate);
    }

    /**
     * Asks on the terminal: null to go ahead, or the exit code to stop with (1 when the answer is no, 2 when there is no
     * terminal to ask on and --yes was not given).
     */
    private static Integer askFirst(PrintWriter out, long total, Pacer pacer, String input) {
        String pace = pacer.perSecond() == 0 ? "as fast as possible"
                : String.format("at %,.0f/s, about %s", pacer.perSecond(), Durations.format(Duration.ofSeconds((long) Math.ceil(total
                / pacer.perSecond()))));
        String question = String.format("replay %,d request(s) to %s %s?", total, input, pace);
        Console console = System.console();
        if (console == null) {
            out.println(question + " Not on a terminal, so not asking: run again with --yes (see --dry-run for what they are).");
            out.flush();
            return 2;
        }
        String answer = console.readLine("%s [y/N] ", question);
        if (answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
            return null;
        }
        out.println("nothing replayed");
        out.flush();
        return 1;
    }

    private static void printSurvey(PrintWriter out, Map<DropReason, DropSurvey.ReasonSummary> survey, String dropped) {
        out.printf("drops in %s not replayed yet:%n", dropped);
        for (DropSurvey.ReasonSummary s : survey.values()) {
            if (s.count() == 0) {
                out.printf("  %-24s %,10d%n", s.reason(), 0);
                continue;
            }
            out.printf("  %-24s %,10d   oldest %s   newest %s%n", s.reason(), s.count(), s.oldest(), s.newest());
            s.topErrors().forEach(e -> out.printf("      %,10d  %s%n", e.getValue(), e.getKey()));
        }
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
