package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.schemas.WorkRequest;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/** The window benchmarks of the {@code bench} command. */
final class Scenarios {
    private static final Outcome<byte[]> INSTANT_SUCCESS = Outcome.success(new byte[0]);

    /**
     * Rounds of the overhead scenario after its warm-up: six, as single rounds on a shared machine move by a quarter,
     * and a multiple of the three variants, so each starts as many rounds as the others.
     */
    private static final int MEASURED_ROUNDS = 6;

    private Scenarios() {
    }

    /**
     * Pipeline with an instant handler vs a plain pass-through, same serdes and data. One warm-up round, then six
     * measured rounds, each running the three variants in turn, starting with a different one each round; each figure
     * is the median of its measured rounds, since a single run of a few seconds on a shared machine moves by a quarter
     * either way, and the spread is printed beside.
     * Last, the async variant's thread hop is measured alone ({@link #executorHop}).
     */
    static BenchResult overhead(BenchEnvironment env, long records) {
        PrintWriter out = env.out();
        PipelineConfig config = env.config("overhead", 4).set("pipeline.retry.max-attempts", "1").load();
        String passOut = config.topics().input() + "-passthrough";
        env.createTopics(4, config.topics().input(), config.topics().results(), config.topics().dropped(), passOut);
        env.produce(config.topics().input(), records, 1000, "overhead");
        List<Run> pass = new ArrayList<>();
        List<Run> pipe = new ArrayList<>();
        List<Run> async = new ArrayList<>();
        // Completes on another thread at once: the full asynchronous path (queue, timer, forwarding) with no service time.
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        CpuUse.PerRecord hop;
        try {
            for (int round = 0; round <= MEASURED_ROUNDS; round++) {
                Run[] runs = new Run[3];
                // Each round starts with the next variant. In one JVM, the run after another variant's pays for the JIT
                // compiling Kafka's methods again for branches the other did not take: no variant always comes second.
                for (int k = 0; k < runs.length; k++) {
                    int variant = (round + k) % runs.length;
                    runs[variant] = switch (variant) {
                        case 0 -> passThroughRun(env, config, passOut, records, round);
                        case 1 -> pipelineRun(env, config.kafka().applicationId() + "-r" + round, config, records,
                                (request, attempt) -> CompletableFuture.completedFuture(INSTANT_SUCCESS), "round " + round + " pipeline:");
                        default -> pipelineRun(env, config.kafka().applicationId() + "-async-r" + round, config, records,
                                (request, attempt) -> CompletableFuture.supplyAsync(() -> INSTANT_SUCCESS, other),
                                "round " + round + " async:   ");
                    };
                }
                if (round > 0) {
                    pass.add(runs[0]);
                    pipe.add(runs[1]);
                    async.add(runs[2]);
                }
            }
            hop = executorHop(other, median(pass, Run::streamThreadMicros));
        } finally {
            other.shutdownNow();
        }
        double passMedian = median(pass, Run::perSecond);
        double pipeMedian = median(pipe, Run::perSecond);
        double asyncMedian = median(async, Run::perSecond);
        out.printf("%n%-44s %14s %8s %18s %14s %14s  (medians of rounds 1-%d; round 0 warms up)%n", "run", "records/s", "ratio",
                "stream thread CPU", "process CPU", "stream alloc", MEASURED_ROUNDS);
        out.printf("%-44s %,14.0f %8s %15.2f us %11.2f us %8.0f bytes  (per record)%n", "plain Streams pass-through", passMedian, "",
                median(pass, Run::streamThreadMicros), median(pass, Run::processMicros), median(pass, Run::streamThreadBytes));
        out.printf("%-44s %,14.0f %8.3f %15.2f us %11.2f us %8.0f bytes  (target ratio >= 0.9)%n", "pipeline, instant handler",
                pipeMedian, pipeMedian / passMedian, median(pipe, Run::streamThreadMicros), median(pipe, Run::processMicros),
                median(pipe, Run::streamThreadBytes));
        out.printf("%-44s %,14.0f %8.3f %15.2f us %11.2f us %8.0f bytes  (target ratio >= 0.85)%n",
                "pipeline, instant handler on another thread", asyncMedian, asyncMedian / passMedian,
                median(async, Run::streamThreadMicros), median(async, Run::processMicros), median(async, Run::streamThreadBytes));
        out.printf("%-44s %14s %8s %15.2f us %11.2f us %8.0f bytes  (per call, calls spaced as records: the handler's own cost)%n",
                "its thread hop alone, without Kafka", "", "", hop.streamThreads(), hop.process(), hop.streamThreadBytes());
        out.printf("%nspread over rounds 1-%d, records/s: pass-through %s, pipeline %s, async %s%n", MEASURED_ROUNDS, spread(pass),
                spread(pipe), spread(async));
        return new BenchResult("overhead").put("records", records).put("passThroughPerSecond", passMedian)
                .put("pipelinePerSecond", pipeMedian).put("ratio", pipeMedian / passMedian)
                .put("asyncPipelinePerSecond", asyncMedian).put("asyncRatio", asyncMedian / passMedian)
                .put("passThroughRounds", rates(pass)).put("pipelineRounds", rates(pipe)).put("asyncPipelineRounds", rates(async))
                .put("streamThreadCpuMicrosPerRecord", Map.of("passThrough", median(pass, Run::streamThreadMicros),
                        "pipeline", median(pipe, Run::streamThreadMicros), "async", median(async, Run::streamThreadMicros)))
                .put("processCpuMicrosPerRecord", Map.of("passThrough", median(pass, Run::processMicros),
                        "pipeline", median(pipe, Run::processMicros), "async", median(async, Run::processMicros)))
                .put("streamThreadBytesPerRecord", Map.of("passThrough", median(pass, Run::streamThreadBytes),
                        "pipeline", median(pipe, Run::streamThreadBytes), "async", median(async, Run::streamThreadBytes)))
                .put("asyncHopCpuMicrosPerCall", Map.of("callingThread", hop.streamThreads(), "process", hop.process()))
                .put("jitCompileMillisPerRun", Map.of("passThrough", median(pass, r -> r.compileMillis()),
                        "pipeline", median(pipe, r -> r.compileMillis()), "async", median(async, r -> r.compileMillis())));
    }

    /**
     * The async variant's handler alone, without Kafka: one thread hands calls to the same executor and takes each answer
     * back through a queue, as the stream thread does, with {@code spacingMicros} of other work between calls (the
     * pass-through's CPU per record, so the executor idles between calls as it does in the async variant). The cost of
     * the hop is this loop's CPU minus the same loop's without the call. An executor that idles between calls must be
     * woken for each: a cost of a handler that completes on another thread, which no pipeline can save.
     */
    private static CpuUse.PerRecord executorHop(java.util.concurrent.ExecutorService other, double spacingMicros) {
        long spacingNanos = (long) (spacingMicros * 1000);
        Runnable otherWork = () -> {
            long until = System.nanoTime() + spacingNanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        };
        java.util.concurrent.ConcurrentLinkedQueue<Outcome<byte[]>> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable call = () -> {
            CompletableFuture.supplyAsync(() -> INSTANT_SUCCESS, other).whenComplete((outcome, failure) -> answers.add(outcome));
            otherWork.run();
            while (answers.poll() != null) {
                // taken back, as the stream thread takes finished calls
            }
        };
        CpuUse.ofCalls(50_000, call);
        CpuUse.PerRecord withCalls = CpuUse.ofCalls(200_000, call);
        CpuUse.PerRecord without = CpuUse.ofCalls(200_000, otherWork);
        return new CpuUse.PerRecord(withCalls.streamThreads() - without.streamThreads(), withCalls.process() - without.process(),
                withCalls.streamThreadBytes() - without.streamThreadBytes());
    }

    private static String spread(List<Run> runs) {
        List<Double> rates = rates(runs).stream().sorted().toList();
        return String.format("%,.0f-%,.0f (%.0f %%)", rates.get(0), rates.get(rates.size() - 1),
                100 * (rates.get(rates.size() - 1) - rates.get(0)) / median(rates));
    }

    private static List<Double> rates(List<Run> runs) {
        return runs.stream().map(Run::perSecond).toList();
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        return median(runs.stream().map(figure::applyAsDouble).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Run passThroughRun(BenchEnvironment env, PipelineConfig config, String output, long records, int round) {
        var props = config.streamsProperties();
        String appId = config.kafka().applicationId() + "-pass-r" + round;
        props.put("application.id", appId);
        long before = env.endOffsets(output);
        CpuUse cpu = CpuUse.of(appId);
        Topology topology = PassThrough.build(config.topics().input(), output, config.kafka().schemaRegistryUrl());
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            long[] t = env.timeUntil(() -> env.endOffsets(output) - before, records, Duration.ofMinutes(10), Duration.ofMillis(20),
                    cpu::firstResults);
            Run run = Run.of(records / ((t[1] - t[0]) / 1e9), cpu.sinceFirstResults(records));
            env.out().printf("  round %d pass-through: %,.0f records/s, stream thread %.2f us CPU and %.0f bytes per record, JIT %d ms (%s)%n",
                    round, run.perSecond(), run.streamThreadMicros(), run.streamThreadBytes(), run.compileMillis(), loopFigures(streams));
            return run;
        }
    }

    /**
     * Kafka Streams' own view of its loop over the last 30 s: records processed per iteration, punctuations and commits
     * per second. Every iteration costs the same whatever it processes, and each punctuation or commit halves how many
     * records the next one may process, so fewer records per iteration means more of the stream thread spent looping.
     */
    private static String loopFigures(KafkaStreams streams) {
        return String.format("%.0f records per loop, %.1f punctuations/s, %.1f commits/s", threadMetric(streams, "process-records-avg"),
                threadMetric(streams, "punctuate-rate"), threadMetric(streams, "commit-rate"));
    }

    private static double threadMetric(KafkaStreams streams, String name) {
        return streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-thread-metrics") && e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue()).filter(Number.class::isInstance)
                .mapToDouble(v -> ((Number) v).doubleValue()).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    /** Throughput from the first result to the last, the CPU each record took, and how long the JIT compiled meanwhile. */
    private record Run(double perSecond, CpuUse.PerRecord cpu, long compileMillis) {
        static Run of(double perSecond, CpuUse.SinceFirstResults measured) {
            return new Run(perSecond, measured.perRecord(), measured.compileMillis());
        }

        double streamThreadMicros() {
            return cpu.streamThreads();
        }

        double processMicros() {
            return cpu.process();
        }

        double streamThreadBytes() {
            return cpu.streamThreadBytes();
        }
    }

    private static Run pipelineRun(BenchEnvironment env, String appId, PipelineConfig base, long records, RequestHandler handler,
                                   String label) {
        PipelineConfig config = env.config("x", base.topics().partitions())
                .set("pipeline.application-id", appId)
                .set("pipeline.topics.input", base.topics().input())
                .set("pipeline.topics.results", base.topics().results())
                .set("pipeline.topics.dropped", base.topics().dropped())
                .set("pipeline.retry.max-attempts", Integer.toString(base.retry().maxAttempts()))
                .set("pipeline.window.capacity", Integer.toString(base.window().capacity()))
                .load();
        long before = env.endOffsets(config.topics().results());
        CpuUse cpu = CpuUse.of(appId);
        try (PipelineApp app = PipelineApp.start(config, handler)) {
            long[] t = env.timeUntil(() -> env.endOffsets(config.topics().results()) - before, records, Duration.ofMinutes(10),
                    Duration.ofMillis(20), cpu::firstResults);
            Run run = Run.of(records / ((t[1] - t[0]) / 1e9), cpu.sinceFirstResults(records));
            env.out().printf("  %s %,.0f records/s, stream thread %.2f us CPU and %.0f bytes per record, JIT %d ms "
                    + "(max in flight %d, mean call %.2f ms; %s)%n", label, run.perSecond(), run.streamThreadMicros(),
                    run.streamThreadBytes(), run.compileMillis(), app.window().maxInFlight(), app.stats().meanHandlerLatencyMillis(),
                    loopFigures(app.streams()));
            return run;
        }
    }

    /**
     * Parallel Consumer's README workload: 10,000 records, 0-5 ms each, 1 partition, concurrency 100, unordered.
     * Measured twice in one JVM: cold (JIT not yet warm, as a first run is) and warm (after a warm-up run of 200,000;
     * on 2 shared cores the JIT was still compiling hard after 50,000). The commit interval is the default: a caught-up
     * instance commits at once, so the last commit follows the last result by a tick. Beside the cold run, the plain
     * pass-through on the same records in a JVM of its own: how long Kafka Streams and the serdes alone take cold.
     */
    static BenchResult pcWorkload(BenchEnvironment env, long records) {
        PcRun cold = pcWorkloadOnce(env, records, "cold");
        double passThroughCold = passThroughCold(env, records);
        pcWorkloadOnce(env, 200_000, "warm-up");
        PcRun warm = pcWorkloadOnce(env, records, "warm");
        double ideal = records * 0.0025 / 100;
        PrintWriter out = env.out();
        out.printf("%n%-52s %8.3f s%n", "first record processed -> last committed, cold", cold.seconds());
        out.printf("%-52s %8.3f s%n", "  first result -> last result, cold", cold.resultSeconds());
        out.printf("%-52s %8.3f s%n", "  the same, plain pass-through in a fresh JVM", passThroughCold);
        out.printf("%-52s %8.3f s  (target < 0.5 s)%n", "the same after a warm-up run", warm.seconds());
        out.printf("%-52s %8.3f s%n", "  first result -> last result, warm", warm.resultSeconds());
        out.printf("%-52s %8.3f s%n", String.format("ideal (%,d x 2.5 ms / 100)", records), ideal);
        out.printf("%-52s %8.3f s  (10,000 records)%n", "Parallel Consumer README figure", 2.83);
        return new BenchResult("pc-workload").put("records", records).put("window", 100).put("seconds", warm.seconds())
                .put("coldSeconds", cold.seconds()).put("idealSeconds", ideal).put("parallelConsumerReadmeSeconds", 2.83)
                .put("coldResultSeconds", cold.resultSeconds()).put("warmResultSeconds", warm.resultSeconds())
                .put("coldPassThroughResultSeconds", passThroughCold);
    }

    /** First call to last committed offset, and first result to last result (comparable with the pass-through's). */
    private record PcRun(double seconds, double resultSeconds) {
    }

    private static PcRun pcWorkloadOnce(BenchEnvironment env, long records, String label) {
        PipelineConfig config = pcConfig(env, label);
        env.createTopics(1, config.topics().input(), config.topics().results(), config.topics().dropped());
        env.produce(config.topics().input(), records, 1, "pc");
        AtomicLong firstCall = new AtomicLong();
        RequestHandler zeroToFiveMs = uniformMillis(0, 5, firstCall);
        String group = config.kafka().applicationId();
        String input = config.topics().input();
        try (PipelineApp app = PipelineApp.start(config, zeroToFiveMs)) {
            long[] results = env.timeUntil(() -> env.endOffsets(config.topics().results()), records, Duration.ofMinutes(5),
                    Duration.ofMillis(5));
            long[] t = env.timeUntil(() -> env.committed(group, input), records, Duration.ofMinutes(5), Duration.ofMillis(5));
            PcRun run = new PcRun((t[1] - firstCall.get()) / 1e9, (results[1] - results[0]) / 1e9);
            env.out().printf("  %s run: %,d records in %.3f s (first result to last %.3f s)%n", label, records, run.seconds(),
                    run.resultSeconds());
            return run;
        }
    }

    private static PipelineConfig pcConfig(BenchEnvironment env, String label) {
        return env.config("pc-" + label, 1)
                .set("pipeline.window.capacity", "100")
                .set("pipeline.retry.max-attempts", "1")
                .load();
    }

    /** The pass-through on the same records with the same Kafka Streams settings, in a fresh JVM; first result to last. */
    private static double passThroughCold(BenchEnvironment env, long records) {
        PipelineConfig config = pcConfig(env, "pass-through");
        String input = config.topics().input();
        String output = config.topics().results();
        env.createTopics(1, input, output);
        env.produce(input, records, 1, "pc");
        AppJvm jvm = PassThroughJvm.start(config.streamsProperties(), config.kafka().schemaRegistryUrl(), input, output,
                Path.of(config.kafka().stateDir()));
        try {
            long[] t = env.timeUntil(() -> {
                if (!jvm.isAlive()) {
                    throw new IllegalStateException("the pass-through's JVM stopped; its log:%n%s".formatted(jvm.log()));
                }
                return env.endOffsets(output);
            }, records, Duration.ofMinutes(5), Duration.ofMillis(5));
            double seconds = (t[1] - t[0]) / 1e9;
            env.out().printf("  pass-through, cold in its own JVM: first result to last %.3f s%n", seconds);
            return seconds;
        } finally {
            try {
                jvm.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A handler that completes after a uniformly random 0-5 ms, recording when it was first called. */
    private static RequestHandler uniformMillis(int min, int max, AtomicLong firstCall) {
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pc-workload-downstream");
            t.setDaemon(true);
            return t;
        });
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        return new RequestHandler() {
            @Override
            public CompletableFuture<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
                firstCall.compareAndSet(0, System.nanoTime());
                long micros;
                synchronized (random) {
                    micros = (long) (min * 1000 + random.nextDouble() * (max - min) * 1000);
                }
                CompletableFuture<Outcome<byte[]>> f = new CompletableFuture<>();
                timer.schedule(() -> f.complete(INSTANT_SUCCESS), micros, java.util.concurrent.TimeUnit.MICROSECONDS);
                return f;
            }

            @Override
            public void close() {
                timer.shutdownNow();
            }
        };
    }

    /** A large backlog in Kafka and a slow handler: heap after GC must stay flat and small, the backlog stays in Kafka. */
    static BenchResult backlogMemory(BenchEnvironment env, long records, Duration runFor) {
        PipelineConfig config = env.config("backlog", 4)
                .set("pipeline.window.capacity", "100")
                .set("pipeline.handler.simulated.latency", "20ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.retry.max-attempts", "1")
                .load();
        env.createTopics(4, config.topics().input(), config.topics().results(), config.topics().dropped());
        env.produce(config.topics().input(), records, 1000, "backlog");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Long> heapMb = new ArrayList<>();
        PrintWriter out = env.out();
        out.printf("%n%8s %16s %14s %14s%n", "seconds", "heap after GC MB", "results", "backlog");
        try (PipelineApp app = PipelineApp.start(config)) {
            long start = System.nanoTime();
            while (System.nanoTime() - start < runFor.toNanos()) {
                BenchEnvironment.sleep(3000);
                System.gc();
                long used = memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
                heapMb.add(used);
                long done = env.endOffsets(config.topics().results());
                out.printf("%8.0f %16d %,14d %,14d%n", (System.nanoTime() - start) / 1e9, used, done, records - done);
                out.flush();
            }
        }
        long max = heapMb.stream().mapToLong(Long::longValue).max().orElse(0);
        out.printf("max heap after GC: %d MB (target < 64 MB)%n", max);
        return new BenchResult("backlog-memory").put("records", records).put("heapAfterGcMb", heapMb).put("maxHeapAfterGcMb", max)
                .put("window", 100).put("handlerLatencyMs", 20);
    }
}
