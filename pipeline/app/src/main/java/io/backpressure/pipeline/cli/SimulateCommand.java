package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.simulate.BackoffReport;
import io.backpressure.pipeline.simulate.BackoffStudy;
import io.backpressure.pipeline.simulate.BackoffStudyConfig;
import io.backpressure.pipeline.simulate.BackoffStudyResult;
import io.backpressure.pipeline.simulate.OverloadConfig;
import io.backpressure.pipeline.simulate.OverloadReport;
import io.backpressure.pipeline.simulate.OverloadResult;
import io.backpressure.pipeline.simulate.OverloadStudy;
import io.backpressure.pipeline.simulate.Trigger;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pipeline simulate backoff|overload}: seeded simulations in simulated time that run the pipeline's own backoff,
 * retry-policy, budget and window classes. Public (unlike the other commands) so the simulate package's tests can
 * drive it before and independently of its registration in {@link PipelineCli}.
 */
@Command(name = "simulate", description = "Seeded simulations of retry behaviour that run the pipeline's own decision code: "
        + "'backoff' (the 2015 backoff-and-jitter contention study) and 'overload' (metastable failure: naive retries vs the pipeline).",
        subcommands = {SimulateCommand.BackoffCommand.class, SimulateCommand.OverloadCommand.class})
public final class SimulateCommand implements Callable<Integer> {
    private static final Pattern CLIENT_RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+):(\\d+)");
    private static final Pattern BUDGET = Pattern.compile("(\\d+)/(\\d+)/(\\d+)");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "simulate needs a subcommand: backoff or overload");
    }

    @Command(name = "backoff", description = "N clients each make one optimistic-concurrency write to one row and back off on "
            + "conflict; reports mean calls and completion time per strategy and client count.")
    static final class BackoffCommand implements Callable<Integer> {
        @Option(names = "--clients", defaultValue = "10..190:20", description = "client counts: N, a list N,M,... or FROM..TO:STEP (default: ${DEFAULT-VALUE})")
        String clients;

        @Option(names = "--runs", defaultValue = "100", description = "runs per point (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--strategies", split = ",", defaultValue = "none,exponential,full-jitter,equal-jitter,decorrelated-jitter",
                description = "backoff strategies (default: ${DEFAULT-VALUE})")
        List<String> strategies;

        @Option(names = "--base", defaultValue = "5ms", description = "backoff base (default: ${DEFAULT-VALUE})")
        String base;

        @Option(names = "--cap", defaultValue = "2000ms", description = "backoff cap (default: ${DEFAULT-VALUE})")
        String cap;

        @Option(names = "--network-mean", defaultValue = "10ms", description = "mean one-way network delay (default: ${DEFAULT-VALUE})")
        String networkMean;

        @Option(names = "--network-sd", defaultValue = "2ms", description = "its standard deviation (default: ${DEFAULT-VALUE})")
        String networkSd;

        @Option(names = "--seed", defaultValue = "1", description = "random seed; the same seed gives the same numbers (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--csv", paramLabel = "FILE", description = "write one row per strategy and client count")
        Path csv;

        @Option(names = "--svg", paramLabel = "FILE", description = "write a chart of calls and completion time against clients")
        Path svg;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BackoffStudyConfig config = new BackoffStudyConfig(strategies, parseClients(clients), runs,
                    Durations.parse("--base", base), Durations.parse("--cap", cap), Durations.parse("--network-mean", networkMean),
                    Durations.parse("--network-sd", networkSd), seed);
            PrintWriter out = spec.commandLine().getOut();
            out.print(BackoffReport.parameters(config));
            out.flush();
            long start = System.nanoTime();
            BackoffStudyResult result = BackoffStudy.run(config);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            out.print(BackoffReport.table(result));
            write(out, "--csv", csv, BackoffReport.csv(result));
            write(out, "--svg", svg, BackoffReport.svg(result));
            out.printf(Locale.ROOT, "%nsimulated %,d runs in %.1f s%n", (long) runs * config.clients().size() * config.strategies().size(), seconds);
            out.flush();
            return 0;
        }
    }

    @Command(name = "overload", description = "A naive retrying client and the pipeline's policy against the same downstream and "
            + "the same arrivals, with a short trigger: does the overload outlast its cause?")
    static final class OverloadCommand implements Callable<Integer> {
        @Option(names = "--workers", defaultValue = "10", description = "downstream workers (default: ${DEFAULT-VALUE})")
        int workers;

        @Option(names = "--service-time", defaultValue = "10ms", description = "time a worker takes per call (default: ${DEFAULT-VALUE})")
        String serviceTime;

        @Option(names = "--load", defaultValue = "0.8", description = "arrival rate as a fraction of capacity (default: ${DEFAULT-VALUE})")
        double load;

        @Option(names = "--duration", defaultValue = "60s", description = "simulated time (default: ${DEFAULT-VALUE})")
        String duration;

        @Option(names = "--trigger", defaultValue = "spike", description = "spike, capacity-drop or none (default: ${DEFAULT-VALUE})")
        String trigger;

        @Option(names = "--trigger-at", defaultValue = "20s", description = "when the trigger starts (default: ${DEFAULT-VALUE})")
        String triggerAt;

        @Option(names = "--trigger-for", defaultValue = "2s", description = "how long it lasts (default: ${DEFAULT-VALUE})")
        String triggerFor;

        @Option(names = "--spike-factor", defaultValue = "2.0", description = "arrivals during a spike, times capacity (default: ${DEFAULT-VALUE})")
        double spikeFactor;

        @Option(names = "--timeout", defaultValue = "200ms", description = "per-attempt timeout of both clients (default: ${DEFAULT-VALUE})")
        String timeout;

        @Option(names = "--deadline", defaultValue = "2s", description = "time-to-live from arrival; later successes are not goodput (default: ${DEFAULT-VALUE})")
        String deadline;

        @Option(names = "--naive-attempts", defaultValue = "4", description = "attempts of the naive client (default: ${DEFAULT-VALUE})")
        int naiveAttempts;

        @Option(names = "--window", defaultValue = "50", description = "the pipeline's in-flight window (default: ${DEFAULT-VALUE})")
        int window;

        @Option(names = "--max-attempts", defaultValue = "3", description = "the pipeline's attempts (default: ${DEFAULT-VALUE})")
        int maxAttempts;

        @Option(names = "--backoff", defaultValue = "full-jitter", description = "the pipeline's backoff (default: ${DEFAULT-VALUE})")
        String backoff;

        @Option(names = "--backoff-base", defaultValue = "100ms", description = "(default: ${DEFAULT-VALUE})")
        String backoffBase;

        @Option(names = "--backoff-cap", defaultValue = "2s", description = "(default: ${DEFAULT-VALUE})")
        String backoffCap;

        @Option(names = "--budget", defaultValue = "500/5/1", description = "retry budget TOKENS/COST/REFUND, or off (default: ${DEFAULT-VALUE})")
        String budget;

        @Option(names = "--seed", defaultValue = "1", description = "random seed; the same seed gives the same numbers (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--timeline", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "print the per-second series (default: ${DEFAULT-VALUE})")
        boolean timeline;

        @Option(names = "--csv", paramLabel = "FILE", description = "write the per-second series of both clients")
        Path csv;

        @Option(names = "--svg", paramLabel = "FILE", description = "write a chart of goodput and downstream load over time")
        Path svg;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            OverloadConfig config = config();
            PrintWriter out = spec.commandLine().getOut();
            long start = System.nanoTime();
            OverloadResult result = OverloadStudy.run(config);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.print(OverloadReport.parameters(config));
            out.println();
            out.print(OverloadReport.summary(result));
            if (timeline) {
                out.println();
                out.print(OverloadReport.timeline(result));
            }
            write(out, "--csv", csv, OverloadReport.csv(result));
            write(out, "--svg", svg, OverloadReport.svg(result));
            out.printf(Locale.ROOT, "%nsimulated %,.1f s of traffic twice in %.2f s%n", config.traffic().duration().toMillis() / 1000.0, seconds);
            out.flush();
            return 0;
        }

        private OverloadConfig config() {
            int[] tokens = parseBudget(budget);
            return new OverloadConfig(
                    new OverloadConfig.Server(workers, Durations.parse("--service-time", serviceTime)),
                    new OverloadConfig.Traffic(load, Durations.parse("--duration", duration), Trigger.parse(trigger),
                            Durations.parse("--trigger-at", triggerAt), Durations.parse("--trigger-for", triggerFor), spikeFactor),
                    Durations.parse("--timeout", timeout), Durations.parse("--deadline", deadline), naiveAttempts,
                    new OverloadConfig.PipelinePolicy(window, maxAttempts, backoff, Durations.parse("--backoff-base", backoffBase),
                            Durations.parse("--backoff-cap", backoffCap), tokens[0], tokens[1], tokens[2]),
                    seed);
        }
    }

    /** {@code 100}, {@code 10,50,100} or {@code 10..190:20}, and lists mixing them. */
    static List<Integer> parseClients(String text) {
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.strip();
            Matcher range = CLIENT_RANGE.matcher(item);
            if (range.matches()) {
                int from = Integer.parseInt(range.group(1));
                int to = Integer.parseInt(range.group(2));
                int step = Integer.parseInt(range.group(3));
                if (step < 1 || to < from) {
                    throw badClients(text);
                }
                counts.addAll(BackoffStudyConfig.clientRange(from, to, step));
            } else if (item.matches("\\d{1,9}")) {
                counts.add(Integer.parseInt(item));
            } else {
                throw badClients(text);
            }
        }
        return counts;
    }

    private static IllegalArgumentException badClients(String text) {
        return new IllegalArgumentException("--clients must be counts such as 100, 10,50,100 or 10..190:20, was '" + text + "'");
    }

    /** {@code TOKENS/COST/REFUND}, or {@code off} (or {@code 0}) for no budget. */
    static int[] parseBudget(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("off") || value.equals("0")) {
            return new int[] {0, 0, 0};
        }
        Matcher m = BUDGET.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("--budget must be TOKENS/COST/REFUND such as 500/5/1, or off, was '" + text + "'");
        }
        try {
            return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--budget must be TOKENS/COST/REFUND such as 500/5/1, or off, was '" + text + "'");
        }
    }

    private static void write(PrintWriter out, String option, Path file, String content) {
        if (file == null) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " cannot write " + file + ": " + e);
        }
        out.println("wrote " + file);
    }
}
