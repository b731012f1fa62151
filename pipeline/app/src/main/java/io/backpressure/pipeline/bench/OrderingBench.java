package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.schemas.WorkRequest;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench ordering}: {@code pipeline.ordering=unordered} and {@code key} side by side on the same kind of input,
 * with 10,000, 100 and 10 distinct keys: 20 ms calls, window 1,000, a tenth of first attempts failing (retried; in key
 * mode a head's retry waits in the timer store directly), exactly_once_v2 for both modes (key mode requires it). Throughput is results per second from the
 * first call to the last result; order violations are first results of a key read (committed) after the first result
 * of a later request of that key. The ideal for key mode is min(window, keys) / latency; a second ideal prices in the
 * benchmark's own retries.
 */
final class OrderingBench {
    private static final int WINDOW = 1000;
    private static final long LATENCY_MS = 20;
    private static final double FIRST_ATTEMPT_FAILURES = 0.1;
    private static final long RETRY_BASE_MS = 20;
    private static final long RETRY_CAP_MS = 100;
    private static final int PARTITIONS = 4;
    /** keys -> records: each run lasts some seconds at the rate key mode can reach with that many keys. */
    private static final Map<Integer, Long> RECORDS = Map.of(10_000, 60_000L, 100, 30_000L, 10, 3_000L);
    private static final List<Integer> KEY_COUNTS = List.of(10_000, 100, 10);

    private OrderingBench() {
    }

    static BenchResult run(BenchEnvironment env) throws Exception {
        PrintWriter out = env.out();
        Map<String, Map<String, Double>> perSecond = new LinkedHashMap<>();
        Map<String, Map<String, Long>> violations = new LinkedHashMap<>();
        Map<String, Map<String, Double>> middle = new LinkedHashMap<>();
        for (String mode : List.of("unordered", "key")) {
            perSecond.put(mode, new LinkedHashMap<>());
            violations.put(mode, new LinkedHashMap<>());
            middle.put(mode, new LinkedHashMap<>());
        }
        for (int keys : KEY_COUNTS) {
            for (String mode : List.of("unordered", "key")) {
                double[] run = once(env, mode, keys, RECORDS.get(keys));
                perSecond.get(mode).put(Integer.toString(keys), Math.round(run[0] * 10) / 10.0);
                violations.get(mode).put(Integer.toString(keys), (long) run[1]);
                middle.get(mode).put(Integer.toString(keys), Math.round(run[2] * 10) / 10.0);
            }
        }
        double keyVsUnordered = perSecond.get("key").get("10000") / perSecond.get("unordered").get("10000");
        double ideal100 = Math.min(WINDOW, 100) * 1000.0 / LATENCY_MS;
        double ideal10 = Math.min(WINDOW, 10) * 1000.0 / LATENCY_MS;
        double idealWithRetries100 = Math.min(WINDOW, 100) * 1000.0 / msPerRequestWithRetries();
        long keyViolations = violations.get("key").values().stream().mapToLong(Long::longValue).sum();
        out.printf("%n%-12s %12s %12s %12s%n", "results/s", "10,000 keys", "100 keys", "10 keys");
        for (String mode : perSecond.keySet()) {
            Map<String, Double> r = perSecond.get(mode);
            out.printf("%-12s %,12.0f %,12.0f %,12.0f   order violations %s%n", mode, r.get("10000"), r.get("100"), r.get("10"),
                    violations.get(mode));
        }
        out.printf("key / unordered, 10,000 keys: %.3f (target >= 0.9)%n", keyVsUnordered);
        out.printf("key / ideal, 100 keys: %.3f of %,.0f/s (target >= 0.9); 10 keys: %.3f of %,.0f/s%n",
                perSecond.get("key").get("100") / ideal100, ideal100, perSecond.get("key").get("10") / ideal10, ideal10);
        out.printf("key / ideal with the benchmark's own retries (%.0f ms per request of a key), 100 keys: %.3f; "
                        + "from the 20th to the 80th percent answered: %.3f of the ideal, %.3f with retries%n",
                msPerRequestWithRetries(), perSecond.get("key").get("100") / idealWithRetries100,
                middle.get("key").get("100") / ideal100, middle.get("key").get("100") / idealWithRetries100);
        out.flush();
        return new BenchResult("ordering").put("perSecond", perSecond).put("violations", keyViolations)
                .put("unorderedViolations", violations.get("unordered"))
                .put("keyVsUnordered", round(keyVsUnordered))
                .put("keyVsIdeal100", round(perSecond.get("key").get("100") / ideal100))
                .put("keyVsIdeal10", round(perSecond.get("key").get("10") / ideal10))
                .put("keyVsIdealWithRetries100", round(perSecond.get("key").get("100") / idealWithRetries100))
                .put("middlePerSecond", middle)
                .put("keyVsIdeal100Middle", round(middle.get("key").get("100") / ideal100))
                .put("window", WINDOW).put("latencyMs", LATENCY_MS).put("firstAttemptFailures", FIRST_ATTEMPT_FAILURES)
                .put("guarantee", "exactly_once_v2").put("records", RECORDS);
    }

    /**
     * What one request of a key costs with no overhead at all, given the failures this benchmark injects: the call, and
     * for a tenth of requests the first retry's mean full-jitter backoff ({@code min(cap, base * 2) / 2}) and a second call.
     * The plain ideal, {@code min(W, keys) / latency}, leaves these out.
     */
    private static double msPerRequestWithRetries() {
        double meanBackoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2) / 2.0;
        return LATENCY_MS + FIRST_ATTEMPT_FAILURES * (meanBackoff + LATENCY_MS);
    }

    /**
     * One mode and key count on a fresh application and topics: {results per second, order violations, results per
     * second between the 20th and the 80th percent answered}. The last leaves out the start, where the whole input is
     * a backlog the stream thread reads and parks (a key's first call waits until its partition is reached), and the end.
     */
    private static double[] once(BenchEnvironment env, String mode, int keys, long records) throws Exception {
        PipelineConfig config = env.config("ordering-" + mode + "-" + keys, PARTITIONS)
                .set("pipeline.processing-guarantee", "exactly_once_v2")
                .set("pipeline.ordering", mode)
                .set("pipeline.window.capacity", Integer.toString(WINDOW))
                .set("pipeline.retry.max-attempts", "5")
                .set("pipeline.retry.base", RETRY_BASE_MS + "ms").set("pipeline.retry.cap", RETRY_CAP_MS + "ms")
                .set("pipeline.retry.budget.tokens", "0")
                .load();
        env.createTopics(PARTITIONS, config.topics().input(), config.topics().results(), config.topics().dropped());
        String prefix = "ord" + keys + mode.charAt(0);
        new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(), Clock.systemUTC())
                .produce(new ProduceSpec(records, 0, keys, 100, null, prefix), n -> { });
        AtomicLong firstCall = new AtomicLong();
        try (OutcomeReader reader = new OutcomeReader(env.clients(), env.registryUrl(), config.topics().results(),
                config.topics().dropped(), id -> id.startsWith(prefix + "-"), true);
             PipelineApp app = PipelineApp.start(config, failingFirstAttempts(firstCall))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long lastResult = 0;
            long answered = 0;
            long[] middleStart = null;
            long[] middleEnd = null;
            while (answered < records && System.nanoTime() < deadline) {
                long before = reader.tally().results() + reader.tally().dropped();
                var tally = reader.poll(Duration.ofMillis(20));
                answered = tally.results() + tally.dropped();
                if (answered > before) {
                    lastResult = System.nanoTime();
                    if (middleStart == null && answered >= records / 5) {
                        middleStart = new long[] {lastResult, answered};
                    }
                    if (middleEnd == null && answered >= records * 4 / 5) {
                        middleEnd = new long[] {lastResult, answered};
                    }
                }
            }
            if (answered < records) {
                throw new IllegalStateException(mode + " with " + keys + " keys: only " + answered + " of " + records
                        + " requests answered within 5 minutes");
            }
            double perSecond = records / ((lastResult - firstCall.get()) / 1e9);
            // A run answered in a few polls can cross both marks at once: then the whole run's figure stands for it.
            double middlePerSecond = middleEnd[0] > middleStart[0]
                    ? (middleEnd[1] - middleStart[1]) / ((middleEnd[0] - middleStart[0]) / 1e9) : perSecond;
            env.out().printf("  %-9s %,6d keys: %,d requests, %,.0f results/s (%,.0f/s from the 20th to the 80th percent), %d order violations, %d dropped%n",
                    mode, keys, records, perSecond, middlePerSecond, reader.orderViolations(), reader.tally().dropped());
            env.out().flush();
            return new double[] {perSecond, reader.orderViolations(), middlePerSecond};
        }
    }

    /** 20 ms calls; a tenth of first attempts fail retryably (seeded), every later attempt succeeds. */
    private static RequestHandler failingFirstAttempts(AtomicLong firstCall) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ordering-downstream");
            t.setDaemon(true);
            return t;
        });
        SplittableRandom random = new SplittableRandom(11);
        Outcome<byte[]> success = Outcome.success(new byte[0]);
        Outcome<byte[]> failure = Outcome.retryable("bench: first attempt fails");
        return new RequestHandler() {
            @Override
            public CompletableFuture<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
                firstCall.compareAndSet(0, System.nanoTime());
                boolean fails;
                synchronized (random) {
                    fails = attempt == 1 && random.nextDouble() < FIRST_ATTEMPT_FAILURES;
                }
                CompletableFuture<Outcome<byte[]>> f = new CompletableFuture<>();
                timer.schedule(() -> f.complete(fails ? failure : success), LATENCY_MS, TimeUnit.MILLISECONDS);
                return f;
            }

            @Override
            public void close() {
                timer.shutdownNow();
            }
        };
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
