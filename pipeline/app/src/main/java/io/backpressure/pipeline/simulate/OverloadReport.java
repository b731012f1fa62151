package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.chart.SvgChart;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Renders an overload comparison: parameters, a summary per client, the per-second series as text, CSV and SVG. */
public final class OverloadReport {
    private static final String NAIVE_COLOR = "#d62728";
    private static final String PIPELINE_COLOR = "#1f77b4";
    private static final String ARRIVALS_COLOR = "#7f7f7f";

    private OverloadReport() {
    }

    /** The model and every parameter, so a result can be read (and re-run) without the command line that made it. */
    public static String parameters(OverloadConfig c) {
        OverloadConfig.Server server = c.server();
        OverloadConfig.Traffic t = c.traffic();
        OverloadConfig.PipelinePolicy p = c.pipeline();
        double capacity = server.capacityPerSecond();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "overload simulation in simulated time, seed %d%n", c.seed()));
        out.append(String.format(Locale.ROOT, "  downstream: %d workers x %d ms = %,.0f calls/s; unbounded FIFO queue; a call the "
                + "client timed out on is still served (no cancellation)%n", server.workers(), server.serviceTime().toMillis(), capacity));
        out.append(String.format(Locale.ROOT, "  traffic:    Poisson arrivals at %.0f%% of capacity (%,.0f/s) for %s; %s%n",
                t.utilisation() * 100, t.utilisation() * capacity, seconds(t.duration()), trigger(c)));
        out.append(String.format(Locale.ROOT, "  both:       per-attempt timeout %d ms; goodput = successes within %s of arrival; "
                + "the same arrival sequence%n", c.attemptTimeout().toMillis(), seconds(c.deadline())));
        out.append(String.format(Locale.ROOT, "  naive:      no window, up to %d attempts, retry at once after a timeout, no deadline, "
                + "no retry budget%n", c.naiveMaxAttempts()));
        out.append(String.format(Locale.ROOT, "  pipeline:   window %d, up to %d attempts, %s backoff %d ms to %s, retry budget %s, "
                        + "deadline %s from arrival (sheds the backlog, refuses retries due after it)%n", p.window(), p.maxAttempts(),
                p.backoff(), p.backoffBase().toMillis(), seconds(p.backoffCap()), budget(p), seconds(c.deadline())));
        out.append(windowBound(c));
        out.append(String.format(Locale.ROOT, "  recovery:   first second after the trigger from which goodput >= %.0f%% of arrivals "
                + "for %d consecutive seconds%n", Recovery.GOODPUT_FRACTION * 100, Recovery.HOLD_SECONDS));
        return out.toString();
    }

    /**
     * Why the window protects the downstream, or a warning when it cannot: with W calls out and k workers, a new call
     * waits behind at most W - 1 others, so its latency is at most ceil(W / k) service times. Below the timeout, no call
     * ever times out because of the client's own load; above it, timeouts free slots while the work stays queued.
     */
    private static String windowBound(OverloadConfig c) {
        int workers = c.traffic().trigger() == Trigger.CAPACITY_DROP ? c.server().reducedWorkers() : c.server().workers();
        long worst = (long) Math.ceil((double) c.pipeline().window() / workers) * c.server().serviceTime().toMillis();
        boolean safe = worst < c.attemptTimeout().toMillis();
        return String.format(Locale.ROOT, "              a full window of %d over %d workers answers within %d ms, %s the %d ms timeout%s%n",
                c.pipeline().window(), workers, worst, safe ? "below" : "NOT below", c.attemptTimeout().toMillis(),
                safe ? "" : ": timeouts will free slots while the downstream still holds the work");
    }

    private static String trigger(OverloadConfig c) {
        OverloadConfig.Traffic t = c.traffic();
        String window = "from " + seconds(t.triggerAt()) + " for " + seconds(t.triggerFor());
        return switch (t.trigger()) {
            case SPIKE -> String.format(Locale.ROOT, "trigger: spike to %.1fx capacity (%,.0f/s) %s", t.spikeFactor(),
                    t.spikeFactor() * c.server().capacityPerSecond(), window);
            case CAPACITY_DROP -> String.format(Locale.ROOT, "trigger: capacity drop to %d workers (%,.0f calls/s) %s",
                    c.server().reducedWorkers(), c.server().reducedWorkers() * 1e9 / c.server().serviceTime().toNanos(), window);
            case NONE -> "no trigger";
        };
    }

    public static String summary(OverloadResult result) {
        OverloadResult.Summary n = result.naive().summary();
        OverloadResult.Summary p = result.pipeline().summary();
        String deadline = seconds(result.config().deadline());
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-40s %14s %14s%n", "", "naive", "pipeline"));
        row(out, "requests (unique)", n, p, s -> count(s.requests()));
        row(out, "downstream calls", n, p, s -> count(s.calls()));
        row(out, "amplification (calls / requests)", n, p, s -> String.format(Locale.ROOT, "%.2fx", s.amplification()));
        row(out, "successes", n, p, s -> count(s.successes()));
        row(out, "goodput (successes within " + deadline + ")", n, p, s -> count(s.goodput()));
        row(out, "late successes (after " + deadline + ")", n, p, s -> count(s.lateSuccesses()));
        row(out, "wasted work (served after timeout)", n, p, s -> count(s.wastedWork()));
        for (DropReason reason : DropReason.values()) {
            if (n.drops().containsKey(reason) || p.drops().containsKey(reason)) {
                row(out, "dropped " + reason.name(), n, p, s -> count(s.drops().getOrDefault(reason, 0L)));
            }
        }
        row(out, "unfinished when the simulation ended", n, p, s -> count(s.unfinished()));
        row(out, "p50 latency of successes (from arrival)", n, p, s -> millis(s.p50()));
        row(out, "p99 latency of successes (from arrival)", n, p, s -> millis(s.p99()));
        boolean triggered = result.config().traffic().trigger() != Trigger.NONE;
        row(out, "recovery after the trigger ends", n, p, s -> !triggered ? "n/a"
                : s.recovery().isPresent() ? s.recovery().getAsInt() + " s" : "never");
        return out.toString();
    }

    private static void row(StringBuilder out, String label, OverloadResult.Summary naive, OverloadResult.Summary pipeline,
                            Function<OverloadResult.Summary, String> value) {
        out.append(String.format(Locale.ROOT, "%-40s %14s %14s%n", label, value.apply(naive), value.apply(pipeline)));
    }

    /** The per-second series side by side: the shape of the collapse and of the recovery at a glance. */
    public static String timeline(OverloadResult result) {
        OverloadResult.PerSecond n = result.naive().perSecond();
        OverloadResult.PerSecond p = result.pipeline().perSecond();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%6s %8s | %-29s | %s%n", "", "", "naive", "pipeline"));
        out.append(String.format(Locale.ROOT, "%6s %8s | %8s %8s %11s | %8s %8s %8s %11s%n", "second", "arrivals",
                "goodput", "calls", "queued@srv", "goodput", "calls", "backlog", "queued@srv"));
        for (int s = 0; s < n.arrivals().length; s++) {
            out.append(String.format(Locale.ROOT, "%6d %8d | %8d %8d %11d | %8d %8d %8d %11d%s%n", s, n.arrivals()[s],
                    n.goodput()[s], n.calls()[s], n.serverQueue()[s], p.goodput()[s], p.calls()[s], p.backlog()[s],
                    p.serverQueue()[s], triggered(result.config(), s) ? "  <- trigger" : ""));
        }
        return out.toString();
    }

    /** One row per client and second. */
    public static String csv(OverloadResult result) {
        StringBuilder out = new StringBuilder("second,client,arrivals,goodput,downstream_calls,timeouts,drops,server_queue,backlog\n");
        for (OverloadResult.ClientRun run : List.of(result.naive(), result.pipeline())) {
            OverloadResult.PerSecond s = run.perSecond();
            for (int i = 0; i < s.arrivals().length; i++) {
                out.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%d,%d,%d,%d%n", i, run.name(), s.arrivals()[i], s.goodput()[i],
                        s.calls()[i], s.timeouts()[i], s.drops()[i], s.serverQueue()[i], s.backlog()[i]));
            }
        }
        return out.toString();
    }

    /** Goodput (with arrivals for reference) and downstream calls over time, naive against pipeline, trigger shaded. */
    public static String svg(OverloadResult result) {
        OverloadConfig c = result.config();
        OverloadResult.PerSecond n = result.naive().perSecond();
        OverloadResult.PerSecond p = result.pipeline().perSecond();
        double[] x = new double[n.arrivals().length];
        for (int s = 0; s < x.length; s++) {
            x[s] = s + 0.5;
        }
        List<SvgChart.Band> bands = c.traffic().trigger() == Trigger.NONE ? List.of() : List.of(new SvgChart.Band(
                c.traffic().triggerAt().toNanos() / 1e9, c.traffic().triggerAt().plus(c.traffic().triggerFor()).toNanos() / 1e9,
                c.traffic().trigger().optionValue()));
        List<SvgChart.Reference> capacity = List.of(new SvgChart.Reference(c.server().capacityPerSecond(),
                String.format(Locale.ROOT, "capacity %,.0f/s", c.server().capacityPerSecond())));
        SvgChart.Panel goodput = new SvgChart.Panel("Goodput: successes within " + seconds(c.deadline()) + " of arrival, per second",
                "time (s)", "requests per second", List.of(
                new SvgChart.Series("arrivals", ARRIVALS_COLOR, true, x, doubles(n.arrivals())),
                new SvgChart.Series("naive goodput", NAIVE_COLOR, false, x, doubles(n.goodput())),
                new SvgChart.Series("pipeline goodput", PIPELINE_COLOR, false, x, doubles(p.goodput()))), bands, capacity, false);
        SvgChart.Panel load = new SvgChart.Panel("Downstream load: calls sent per second, retries included", "time (s)",
                "calls per second", List.of(
                new SvgChart.Series("naive calls", NAIVE_COLOR, false, x, doubles(n.calls())),
                new SvgChart.Series("pipeline calls", PIPELINE_COLOR, false, x, doubles(p.calls()))), bands, capacity, false);
        List<String> subtitle = List.of(
                String.format(Locale.ROOT, "downstream %d workers x %d ms; arrivals %.0f%% of capacity; %s; seed %d",
                        c.server().workers(), c.server().serviceTime().toMillis(), c.traffic().utilisation() * 100, trigger(c), c.seed()),
                String.format(Locale.ROOT, "timeout %d ms; naive: %d attempts, retried at once; pipeline: window %d, %d attempts, "
                                + "%s, budget %s, deadline %s", c.attemptTimeout().toMillis(), c.naiveMaxAttempts(), c.pipeline().window(),
                        c.pipeline().maxAttempts(), c.pipeline().backoff(), budget(c.pipeline()), seconds(c.deadline())));
        return SvgChart.render("Metastable overload: naive retries against the pipeline's policy", subtitle, List.of(goodput, load));
    }

    private static String budget(OverloadConfig.PipelinePolicy p) {
        return p.budgetTokens() == 0 ? "off"
                : p.budgetTokens() + " tokens, " + p.retryCost() + " per retry, " + p.successRefund() + " back per success";
    }

    private static boolean triggered(OverloadConfig c, int second) {
        long start = second * 1_000_000_000L;
        return c.traffic().triggered(start) || c.traffic().triggered(start + 999_999_999L);
    }

    private static double[] doubles(int[] values) {
        return java.util.Arrays.stream(values).asDoubleStream().toArray();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%,d ms", d.toMillis());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
