package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.chart.SvgChart;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The overload story on the real broker with the real app: a simulated downstream of fixed capacity (10 workers x
 * 10 ms = 1,000 requests/s) under steady load at 80 %, a 2 s spike to 2x capacity, then steady load again. The naive
 * configuration (no jitter, no budget, no deadline, a window too large to matter) runs beside the pipeline's defaults
 * in the same run, and each second's goodput and downstream calls come from the app's own counters.
 */
final class OverloadBench {
    private static final int STEADY_RATE = 800;
    private static final int SPIKE_RATE = 2000;
    private static final int SPIKE_AT_S = 20;
    private static final int SPIKE_FOR_S = 2;
    private static final int RUN_S = 60;

    private OverloadBench() {
    }

    static BenchResult run(BenchEnvironment env, Path csv, Path svg) {
        List<long[]> naive = measure(env, "naive", env.config("overload-naive", 4)
                .set("pipeline.retry.backoff", "none").set("pipeline.retry.max-attempts", "4")
                .set("pipeline.retry.budget.tokens", "0").set("pipeline.retry.default-ttl", "0s")
                .set("pipeline.window.capacity", "10000"));
        List<long[]> pipeline = measure(env, "pipeline", env.config("overload-pipeline", 4)
                .set("pipeline.window.capacity", "50").set("pipeline.retry.default-ttl", "2s"));
        PrintWriter out = env.out();
        out.printf("%n%6s | %9s %9s %9s | %9s %9s %9s%n", "second", "naive in", "goodput", "calls", "pipe in", "goodput", "calls");
        for (int s = 0; s < Math.min(naive.size(), pipeline.size()); s++) {
            long[] n = naive.get(s);
            long[] p = pipeline.get(s);
            out.printf("%6d | %9d %9d %9d | %9d %9d %9d%n", s, n[0], n[1], n[2], p[0], p[1], p[2]);
        }
        Summary ns = Summary.of(naive);
        Summary ps = Summary.of(pipeline);
        out.printf("%n%-40s %12s %12s%n", "", "naive", "pipeline");
        out.printf("%-40s %12.2f %12.2f%n", "amplification (calls / requests)", ns.amplification, ps.amplification);
        out.printf("%-40s %12s %12s%n", "recovery after the spike ends", ns.recoveryText(), ps.recoveryText());
        writeCsv(csv, naive, pipeline);
        writeSvg(svg, naive, pipeline);
        return new BenchResult("overload").put("capacityPerSecond", 1000).put("steadyRate", STEADY_RATE).put("spikeRate", SPIKE_RATE)
                .put("naiveAmplification", ns.amplification).put("pipelineAmplification", ps.amplification)
                .put("naiveRecoverySeconds", ns.recovery).put("pipelineRecoverySeconds", ps.recovery);
    }

    /** Runs one configuration for the whole schedule; returns per second: arrivals, results, downstream calls. */
    private static List<long[]> measure(BenchEnvironment env, String name, ConfigLoader loader) {
        PipelineConfig config = loader
                .set("pipeline.handler.simulated.latency", "10ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.handler.simulated.concurrency", "10")
                .set("pipeline.handler.timeout", "200ms")
                .set("pipeline.health.pause-after-failures", "0")
                .load();
        env.out().printf("running the %s configuration for %d s ...%n", name, RUN_S);
        env.out().flush();
        List<long[]> seconds = new ArrayList<>();
        try (PipelineApp app = PipelineApp.start(config)) {
            env.awaitRunning(app);
            RequestProducer producer = new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(),
                    Clock.systemUTC());
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                producer.produce(new ProduceSpec((long) STEADY_RATE * SPIKE_AT_S, STEADY_RATE, 1000, 50, null, name + "-a"), n -> { });
                producer.produce(new ProduceSpec((long) SPIKE_RATE * SPIKE_FOR_S, SPIKE_RATE, 1000, 50, null, name + "-b"), n -> { });
                producer.produce(new ProduceSpec((long) STEADY_RATE * (RUN_S - SPIKE_AT_S - SPIKE_FOR_S), STEADY_RATE, 1000, 50, null,
                        name + "-c"), n -> { });
            });
            long start = System.nanoTime();
            long lastIn = 0;
            long lastResults = 0;
            long lastCalls = 0;
            for (int s = 1; s <= RUN_S; s++) {
                BenchEnvironment.sleep(Math.max(0, (start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000));
                long in = env.endOffsets(config.topics().input());
                long results = app.stats().results();
                long calls = app.stats().handlerCalls();
                seconds.add(new long[] {in - lastIn, results - lastResults, calls - lastCalls});
                lastIn = in;
                lastResults = results;
                lastCalls = calls;
            }
            load.join();
            StringBuilder drops = new StringBuilder();
            for (DropReason reason : DropReason.values()) {
                if (app.stats().drops(reason) > 0) {
                    drops.append(reason).append('=').append(app.stats().drops(reason)).append(' ');
                }
            }
            env.out().printf("  %s: %,d results, %,d downstream calls, drops %s%n", name, app.stats().results(),
                    app.stats().handlerCalls(), drops.toString().strip());
        }
        return seconds;
    }

    private static void writeCsv(Path csv, List<long[]> naive, List<long[]> pipeline) {
        if (csv == null) {
            return;
        }
        StringBuilder text = new StringBuilder("second,naive_arrivals,naive_goodput,naive_calls,pipeline_arrivals,pipeline_goodput,pipeline_calls\n");
        for (int s = 0; s < Math.min(naive.size(), pipeline.size()); s++) {
            long[] n = naive.get(s);
            long[] p = pipeline.get(s);
            text.append(s).append(',').append(n[0]).append(',').append(n[1]).append(',').append(n[2]).append(',')
                    .append(p[0]).append(',').append(p[1]).append(',').append(p[2]).append('\n');
        }
        try {
            Files.writeString(csv, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSvg(Path svg, List<long[]> naive, List<long[]> pipeline) {
        if (svg == null) {
            return;
        }
        int n = Math.min(naive.size(), pipeline.size());
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        List<SvgChart.Band> spike = List.of(new SvgChart.Band(SPIKE_AT_S, SPIKE_AT_S + SPIKE_FOR_S, "spike"));
        SvgChart.Panel goodput = new SvgChart.Panel("Goodput: results per second", "time (s)", "requests/s", List.of(
                new SvgChart.Series("arrivals", "#7a8494", true, x, column(pipeline, 0, n)),
                new SvgChart.Series("naive", "#c0392b", false, x, column(naive, 1, n)),
                new SvgChart.Series("pipeline", "#2e8b57", false, x, column(pipeline, 1, n))), spike, List.of(), false);
        SvgChart.Panel load = new SvgChart.Panel("Downstream load: handler calls per second, retries included", "time (s)", "calls/s",
                List.of(new SvgChart.Series("naive", "#c0392b", false, x, column(naive, 2, n)),
                        new SvgChart.Series("pipeline", "#2e8b57", false, x, column(pipeline, 2, n))), spike, List.of(), false);
        String chart = SvgChart.render("Overload on the real broker: naive retries against the pipeline's policy", List.of(
                "simulated downstream 10 workers x 10 ms (1,000/s), 800/s steady, 2,000/s for 2 s at t = 20 s, 200 ms timeouts"),
                List.of(goodput, load));
        try {
            Files.writeString(svg, chart);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] column(List<long[]> rows, int index, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = rows.get(i)[index];
        }
        return values;
    }

    /** Amplification and recovery: the first second after the spike from which goodput stays >= 95 % of arrivals for 5 s. */
    private record Summary(double amplification, int recovery) {
        static Summary of(List<long[]> seconds) {
            long in = seconds.stream().mapToLong(s -> s[0]).sum();
            long calls = seconds.stream().mapToLong(s -> s[2]).sum();
            int end = SPIKE_AT_S + SPIKE_FOR_S;
            for (int s = end; s + 5 <= seconds.size(); s++) {
                boolean held = true;
                for (int k = s; k < s + 5; k++) {
                    held &= seconds.get(k)[1] >= 0.95 * STEADY_RATE;
                }
                if (held) {
                    return new Summary(in == 0 ? 0 : (double) calls / in, s - end);
                }
            }
            return new Summary(in == 0 ? 0 : (double) calls / in, -1);
        }

        String recoveryText() {
            return recovery < 0 ? "never" : recovery + " s";
        }
    }
}
