package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.chart.SvgChart;
import io.backpressure.pipeline.config.HandlerSettings;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.SimulatedDownstream;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.schemas.WorkRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * A fixed window of 1,000 beside the adaptive limit, in one run on identical backlogs, each against its own simulated
 * downstream of 100 workers x 20 ms (5,000 requests/s) with a 200 ms per-attempt timeout. The downstreams lose half
 * their workers at {@link #HALVE_AT_S} and get them back at {@link #RESTORE_AT_S}, at the same instant for both.
 * Latency is the call's as its client sees it; the no-load latency is measured on a fresh downstream at half its
 * capacity just before.
 */
final class AdaptiveBench {
    static final int WORKERS = 100;
    static final Duration SERVICE_TIME = Duration.ofMillis(20);
    static final Duration TIMEOUT = Duration.ofMillis(200);
    static final int HALVE_AT_S = 30;
    static final int RESTORE_AT_S = 90;
    static final int RUN_S = 120;
    /** Seconds after a change not counted as steady state. */
    static final int SETTLE_ALLOWANCE_S = 10;
    private static final int PARTITIONS = 6;
    private static final int[] CHANGES = {0, HALVE_AT_S, RESTORE_AT_S};

    private AdaptiveBench() {
    }

    static BenchResult run(BenchEnvironment env, String limit, Path svg) {
        NoLoad noLoad = measureNoLoad();
        env.out().printf("no-load call latency (50 calls in flight on %d workers): p50 %.0f ms, p99 %.0f ms%n", WORKERS, noLoad.p50, noLoad.p99);
        PipelineConfig fixed = config(env, "adaptive-fixed", "fixed");
        PipelineConfig adaptive = config(env, "adaptive-" + limit, limit);
        long backlog = (long) (WORKERS * 1000 / SERVICE_TIME.toMillis()) * RUN_S;
        env.createTopics(PARTITIONS, fixed.topics().input(), adaptive.topics().input());
        env.produce(fixed.topics().input(), backlog, PARTITIONS, "adaptive");
        env.produce(adaptive.topics().input(), backlog, PARTITIONS, "adaptive");
        env.out().printf("fixed window of %d beside pipeline.window.limit=%s, each on %d workers x %d ms, %d ms timeout; "
                        + "workers halved at %d s, restored at %d s ...%n", fixed.window().capacity(), limit, WORKERS,
                SERVICE_TIME.toMillis(), TIMEOUT.toMillis(), HALVE_AT_S, RESTORE_AT_S);
        env.out().flush();
        TimedDownstream fixedDownstream = downstream();
        TimedDownstream adaptiveDownstream = downstream();
        List<Second> fixedSeconds = new ArrayList<>();
        List<Second> adaptiveSeconds = new ArrayList<>();
        Run fixedRun;
        Run adaptiveRun;
        try (PipelineApp fixedApp = PipelineApp.start(fixed, fixedDownstream);
             PipelineApp adaptiveApp = PipelineApp.start(adaptive, adaptiveDownstream)) {
            env.awaitRunning(fixedApp);
            env.awaitRunning(adaptiveApp);
            Sampler fixedSampler = new Sampler(fixedApp, fixedDownstream);
            Sampler adaptiveSampler = new Sampler(adaptiveApp, adaptiveDownstream);
            fixedDownstream.startClock();
            adaptiveDownstream.startClock();
            long start = System.nanoTime();
            for (int tick = 1; tick <= RUN_S * 10; tick++) {
                int second = (tick - 1) / 10;
                int workers = workersAt(second);
                fixedDownstream.downstream().setConcurrency(workers);
                adaptiveDownstream.downstream().setConcurrency(workers);
                BenchEnvironment.sleep(Math.max(0, (start + tick * 100_000_000L - System.nanoTime()) / 1_000_000));
                fixedSampler.sample();
                adaptiveSampler.sample();
                if (tick % 10 == 0) {
                    fixedSeconds.add(fixedSampler.endSecond(workers));
                    adaptiveSeconds.add(adaptiveSampler.endSecond(workers));
                    if (second % 10 == 9) {
                        env.out().printf("  %3d s: fixed %s | %s %s%n", second + 1, fixedSeconds.get(second), limit, adaptiveSeconds.get(second));
                        env.out().flush();
                    }
                }
            }
            fixedRun = Run.of(fixedApp, fixedDownstream, fixedSeconds, noLoad);
            adaptiveRun = Run.of(adaptiveApp, adaptiveDownstream, adaptiveSeconds, noLoad);
        }
        env.out().printf("%n  fixed drops: %s%n  %s drops: %s%n", fixedRun.drops, limit, adaptiveRun.drops);
        env.out().printf("%n%-28s %12s %12s%n", "", "fixed", limit);
        fixedRun.figures.forEach((name, value) -> env.out().printf("%-28s %12s %12s%n", name, value, adaptiveRun.figures.get(name)));
        writeSvg(svg, limit, noLoad, fixedSeconds, adaptiveSeconds);
        return new BenchResult("adaptive").put("limit", limit).put("workers", WORKERS).put("serviceTimeMs", SERVICE_TIME.toMillis())
                .put("timeoutMs", TIMEOUT.toMillis()).put("noLoadP50Ms", noLoad.p50).put("noLoadP99Ms", noLoad.p99)
                .put("fixed", fixedRun.figures).put("adaptive", adaptiveRun.figures);
    }

    static int workersAt(int second) {
        return second >= HALVE_AT_S && second < RESTORE_AT_S ? WORKERS / 2 : WORKERS;
    }

    private static PipelineConfig config(BenchEnvironment env, String name, String limit) {
        return env.config(name, PARTITIONS)
                .set("pipeline.window.capacity", "1000")
                .set("pipeline.window.limit", limit)
                .set("pipeline.handler.timeout", TIMEOUT.toMillis() + "ms")
                // Both runs see the same slow-but-up downstream: the app-wide pause is for one that is down.
                .set("pipeline.health.pause-after-failures", "0")
                .load();
    }

    private static TimedDownstream downstream() {
        return new TimedDownstream(new SimulatedDownstream(new HandlerSettings.SimulatedDownstream(SERVICE_TIME, "uniform", 0.0, WORKERS, 1)),
                RUN_S);
    }

    /** Calls a fresh downstream with half its workers' worth in flight: what a call takes when nothing queues. */
    private static NoLoad measureNoLoad() {
        int calls = 5_000;
        try (TimedDownstream timed = new TimedDownstream(new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(SERVICE_TIME, "uniform", 0.0, WORKERS, 2)), 10)) {
            Semaphore inFlight = new Semaphore(WORKERS / 2);
            timed.startClock();
            for (int i = 0; i < calls; i++) {
                inFlight.acquireUninterruptibly();
                WorkRequest request = WorkRequest.newBuilder().setRequestId("no-load-" + i).setKey("k").setPayload(ByteBuffer.allocate(0))
                        .setCreatedAt(Instant.now()).build();
                timed.handle(request, 1).whenComplete((outcome, failure) -> inFlight.release());
            }
            inFlight.acquireUninterruptibly(WORKERS / 2);
            return new NoLoad(timed.quantileMillis(0.5, 0, 10), timed.quantileMillis(0.99, 0, 10));
        }
    }

    private record NoLoad(double p50, double p99) {
    }

    /** Samples one app ten times a second: in flight and limit averaged, counters differenced per second. */
    private static final class Sampler {
        private final PipelineApp app;
        private final TimedDownstream downstream;
        private long inFlightSum;
        private long limitSum;
        private int samples;
        private long lastResults;
        private int second;

        Sampler(PipelineApp app, TimedDownstream downstream) {
            this.app = app;
            this.downstream = downstream;
            this.lastResults = app.stats().results();
        }

        void sample() {
            inFlightSum += app.window().inFlight();
            limitSum += app.window().limit();
            samples++;
        }

        Second endSecond(int workers) {
            long results = app.stats().results();
            Second s = new Second(workers, results - lastResults, (double) inFlightSum / samples, (double) limitSum / samples,
                    downstream.quantileMillis(0.99, second, second + 1), downstream.timeouts(second, second + 1));
            lastResults = results;
            inFlightSum = 0;
            limitSum = 0;
            samples = 0;
            second++;
            return s;
        }
    }

    /** One second of one run. */
    record Second(int workers, long results, double inFlight, double limit, double p99Millis, long timeouts) {
        double capacityPerSecond() {
            return workers * 1000.0 / SERVICE_TIME.toMillis();
        }

        @Override
        public String toString() {
            return String.format("%,6d/s in flight %5.0f limit %5.0f p99 %4.0f ms timeouts %,d", results, inFlight, limit, p99Millis, timeouts);
        }
    }

    /** The figures the issue asks for, from one run's seconds. */
    private record Run(Map<String, Object> figures, String drops) {
        static Run of(PipelineApp app, TimedDownstream downstream, List<Second> seconds, NoLoad noLoad) {
            long results = 0;
            double capacity = 0;
            long timeouts = 0;
            double p50 = 0;
            double p99 = 0;
            int steady = 0;
            for (int change = 0; change < CHANGES.length; change++) {
                int from = CHANGES[change] + SETTLE_ALLOWANCE_S;
                int to = change + 1 < CHANGES.length ? CHANGES[change + 1] : RUN_S;
                for (int s = from; s < to; s++) {
                    results += seconds.get(s).results;
                    capacity += seconds.get(s).capacityPerSecond();
                }
                timeouts += downstream.timeouts(from, to);
                // Weighted by the phase's length: the percentiles of each phase, averaged over the steady seconds.
                p50 += downstream.quantileMillis(0.5, from, to) * (to - from);
                p99 += downstream.quantileMillis(0.99, from, to) * (to - from);
                steady += to - from;
            }
            long finished = app.stats().results() + app.stats().dropsTotal();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("capacityShare", round(results / capacity));
            figures.put("p50OverNoLoad", round(p50 / steady / noLoad.p50));
            figures.put("p99OverNoLoad", round(p99 / steady / noLoad.p99));
            figures.put("steadyTimeouts", timeouts);
            figures.put("retriesPerRequest", round(finished == 0 ? 0 : (double) app.stats().retriesScheduled() / finished));
            figures.put("settleSeconds", List.of(settle(seconds, HALVE_AT_S, RESTORE_AT_S, noLoad), settle(seconds, RESTORE_AT_S, RUN_S, noLoad)));
            figures.put("dropped", app.stats().dropsTotal());
            figures.put("maxInFlight", app.window().maxInFlight());
            StringBuilder drops = new StringBuilder();
            for (DropReason reason : DropReason.values()) {
                if (app.stats().drops(reason) > 0) {
                    drops.append(reason).append('=').append(app.stats().drops(reason)).append(' ');
                }
            }
            return new Run(figures, drops.isEmpty() ? "none" : drops.toString().strip());
        }

        /**
         * Seconds from a capacity change until five seconds in a row deliver at least 0.9 of the new capacity with a
         * p99 latency within twice the no-load p99; -1 if that never happens before the next change.
         */
        private static int settle(List<Second> seconds, int change, int end, NoLoad noLoad) {
            for (int s = change; s + 5 <= end; s++) {
                boolean held = true;
                for (int k = s; k < s + 5; k++) {
                    Second second = seconds.get(k);
                    held &= second.results >= 0.9 * second.capacityPerSecond() && second.p99Millis <= 2 * noLoad.p99;
                }
                if (held) {
                    return s - change;
                }
            }
            return -1;
        }

        private static double round(double value) {
            return Math.round(value * 1000) / 1000.0;
        }
    }

    private static void writeSvg(Path svg, String limit, NoLoad noLoad, List<Second> fixed, List<Second> adaptive) {
        if (svg == null) {
            return;
        }
        double[] x = new double[fixed.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        List<SvgChart.Band> halved = List.of(new SvgChart.Band(HALVE_AT_S, RESTORE_AT_S, "workers halved"));
        SvgChart.Panel window = new SvgChart.Panel("Calls in flight and the limit (log scale)", "time (s)", "calls", List.of(
                // A log axis takes positive values only; a second with nothing in flight is drawn at 1.
                new SvgChart.Series("fixed: in flight", "#c0392b", false, x, column(fixed, s -> Math.max(1, s.inFlight))),
                new SvgChart.Series(limit + ": in flight", "#2e8b57", false, x, column(adaptive, s -> Math.max(1, s.inFlight))),
                new SvgChart.Series(limit + ": limit", "#2e8b57", true, x, column(adaptive, Second::limit)),
                new SvgChart.Series("workers", "#7a8494", true, x, column(adaptive, s -> s.workers))),
                halved, List.of(), true);
        SvgChart.Panel latency = new SvgChart.Panel("Call latency p99 per second (log scale)", "time (s)", "ms", List.of(
                new SvgChart.Series("fixed", "#c0392b", false, x, column(fixed, s -> Math.max(1, s.p99Millis))),
                new SvgChart.Series(limit, "#2e8b57", false, x, column(adaptive, s -> Math.max(1, s.p99Millis)))),
                halved, List.of(new SvgChart.Reference(noLoad.p99, "no-load p99"), new SvgChart.Reference(TIMEOUT.toMillis(), "timeout")), true);
        SvgChart.Panel throughput = new SvgChart.Panel("Results per second", "time (s)", "requests/s", List.of(
                new SvgChart.Series("capacity", "#7a8494", true, x, column(adaptive, Second::capacityPerSecond)),
                new SvgChart.Series("fixed", "#c0392b", false, x, column(fixed, s -> s.results)),
                new SvgChart.Series(limit, "#2e8b57", false, x, column(adaptive, s -> s.results))), halved, List.of(), false);
        String chart = SvgChart.render("Fixed window of 1,000 against pipeline.window.limit=" + limit, List.of(
                String.format("simulated downstream %d workers x %d ms uniform (5,000/s), halved from %d s to %d s; %d ms timeout; backlog in Kafka",
                        WORKERS, SERVICE_TIME.toMillis(), HALVE_AT_S, RESTORE_AT_S, TIMEOUT.toMillis())),
                List.of(window, latency, throughput));
        try {
            Files.writeString(svg, chart);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] column(List<Second> seconds, java.util.function.ToDoubleFunction<Second> value) {
        return seconds.stream().mapToDouble(value).toArray();
    }
}
