package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.chart.SvgChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Renders a contention study as a text table, as CSV and as an SVG chart of calls and completion time. */
public final class BackoffReport {
    /** In the order of {@link BackoffStudyConfig#ALL_STRATEGIES}. */
    private static final List<String> COLORS = List.of("#7f7f7f", "#d62728", "#1f77b4", "#2ca02c", "#9467bd");

    private BackoffReport() {
    }

    public static String parameters(BackoffStudyConfig c) {
        return String.format(Locale.ROOT, "contention study (AWS Architecture Blog 2015 model): each client makes one "
                        + "optimistic-concurrency write to one row; network |N(%d ms, %d ms)| per message; backoff base %d ms, "
                        + "cap %,d ms; %d runs per point; seed %d%n",
                c.networkMean().toMillis(), c.networkSd().toMillis(), c.base().toMillis(), c.cap().toMillis(), c.runs(), c.seed());
    }

    public static String table(BackoffStudyResult result) {
        StringBuilder out = new StringBuilder();
        out.append("mean calls (conditional writes) per run\n");
        grid(out, result, p -> p.meanCalls(), "%,.0f");
        out.append("\nmean completion time (s): until the last client's write succeeds\n");
        grid(out, result, p -> p.meanCompletion().toNanos() / 1e9, "%,.2f");
        return out.toString();
    }

    private static void grid(StringBuilder out, BackoffStudyResult result, ToDoubleFunction<BackoffStudyResult.Point> value,
                             String format) {
        List<String> strategies = result.config().strategies();
        out.append(String.format(Locale.ROOT, "%8s", "clients"));
        strategies.forEach(s -> out.append(String.format(Locale.ROOT, " %20s", s)));
        out.append('\n');
        for (int clients : result.config().clients()) {
            out.append(String.format(Locale.ROOT, "%8d", clients));
            for (String s : strategies) {
                out.append(String.format(Locale.ROOT, " %20s", String.format(Locale.ROOT, format,
                        value.applyAsDouble(result.point(s, clients)))));
            }
            out.append('\n');
        }
    }

    /** One row per point: clients, strategy, runs, mean calls, mean completion in milliseconds. */
    public static String csv(BackoffStudyResult result) {
        StringBuilder out = new StringBuilder("clients,strategy,runs,mean_calls,mean_completion_ms\n");
        for (BackoffStudyResult.Point p : result.points()) {
            out.append(String.format(Locale.ROOT, "%d,%s,%d,%.2f,%.3f%n", p.clients(), p.strategy(), result.config().runs(),
                    p.meanCalls(), p.meanCompletion().toNanos() / 1e6));
        }
        return out.toString();
    }

    /** Two panels, calls and completion time against clients, one line per strategy in each. */
    public static String svg(BackoffStudyResult result) {
        BackoffStudyConfig c = result.config();
        List<SvgChart.Series> calls = new ArrayList<>();
        List<SvgChart.Series> times = new ArrayList<>();
        double[] x = c.clients().stream().mapToDouble(Integer::doubleValue).toArray();
        for (String s : c.strategies()) {
            String color = colorOf(s);
            calls.add(new SvgChart.Series(s, color, false, x,
                    c.clients().stream().mapToDouble(n -> result.point(s, n).meanCalls()).toArray()));
            times.add(new SvgChart.Series(s, color, false, x,
                    c.clients().stream().mapToDouble(n -> result.point(s, n).meanCompletion().toNanos() / 1e9).toArray()));
        }
        String subtitle = String.format(Locale.ROOT, "base %d ms, cap %,d ms, network |N(%d, %d)| ms per message, "
                        + "mean of %d runs per point, seed %d", c.base().toMillis(), c.cap().toMillis(), c.networkMean().toMillis(),
                c.networkSd().toMillis(), c.runs(), c.seed());
        // Completion time on a log axis: plain exponential is an order of magnitude slower, which would flatten the rest.
        return SvgChart.render("Exponential backoff and jitter: N clients contending for one row", List.of(subtitle), List.of(
                new SvgChart.Panel("Calls: conditional writes until every client succeeded", "clients", "calls (writes per run)", calls),
                new SvgChart.Panel("Completion time: until the last client succeeded (log scale)", "clients", "seconds", times)
                        .withLogY()));
    }

    /** Colours follow the strategy, not its position, so charts of different runs stay comparable. */
    private static String colorOf(String strategy) {
        return COLORS.get(BackoffStudyConfig.ALL_STRATEGIES.indexOf(strategy));
    }
}
