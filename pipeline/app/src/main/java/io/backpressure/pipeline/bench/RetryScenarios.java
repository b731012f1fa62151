package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.retry.ReleaseLateness;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The retry benchmarks of the {@code bench} command. */
final class RetryScenarios {
    private static final Outcome<byte[]> SUCCESS = Outcome.success(new byte[0]);

    private RetryScenarios() {
    }

    /** 1,000 retries a second with full-jitter due times: how late after its due time is each released? */
    static BenchResult lateness(BenchEnvironment env, Duration runFor) {
        PipelineConfig config = env.config("lateness", 4)
                .set("pipeline.retry.max-attempts", "2")
                .set("pipeline.retry.backoff", "full-jitter")
                .set("pipeline.retry.base", "250ms")
                .set("pipeline.retry.cap", "2s")
                .set("pipeline.retry.budget.tokens", "0")
                .set("pipeline.health.pause-after-failures", "0")
                .load();
        // Every first attempt fails, every retry succeeds: each request makes exactly one trip through a delay topic.
        RequestHandler failFirst = (request, attempt) -> CompletableFuture.completedFuture(
                attempt == 1 ? new Outcome.RetryableFailure<>("first attempt fails") : SUCCESS);
        long rate = 1000;
        long warmUpSeconds = 5;
        long count = rate * (runFor.toSeconds() + warmUpSeconds);
        try (PipelineApp app = PipelineApp.start(config, failFirst)) {
            // Start the load only once the app runs, and measure after a warm-up: the first retries meet delay-topic
            // partitions the consumer has not fetched from yet, which is start-up cost, not steady release lateness.
            env.awaitRunning(app);
            java.util.concurrent.CompletableFuture<Long> load = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(), Clock.systemUTC())
                            .produce(new ProduceSpec(count, rate, 1000, 100, null, "late"), n -> { }));
            BenchEnvironment.sleep(warmUpSeconds * 1000);
            ReleaseLateness afterWarmUp = app.lateness().copy();
            load.join();
            env.timeUntil(() -> app.stats().results(), count, Duration.ofMinutes(2), Duration.ofMillis(100));
            ReleaseLateness all = app.lateness();
            ReleaseLateness steady = all.since(afterWarmUp);
            PrintWriter out = env.out();
            out.printf("%n%-32s %14s %14s%n", "", "steady state", "incl. warm-up");
            out.printf("%-32s %,14d %,14d%n", "retries released", steady.released(), all.released());
            out.printf("%-32s %,14d %,14d  (must be 0)%n", "released before due time", steady.releasedEarly(), all.releasedEarly());
            out.printf("%-32s %11d ms %11d ms%n", "lateness p50", steady.percentileMillis(0.50), all.percentileMillis(0.50));
            out.printf("%-32s %11d ms %11d ms  (target < 50 ms)%n", "lateness p99", steady.percentileMillis(0.99),
                    all.percentileMillis(0.99));
            out.printf("%-32s %11d ms %11d ms%n", "lateness max", steady.maxMillis(), all.maxMillis());
            return new BenchResult("retry-lateness").put("retriesPerSecond", rate).put("warmUpSeconds", warmUpSeconds)
                    .put("released", steady.released()).put("releasedEarly", all.releasedEarly())
                    .put("p50Ms", steady.percentileMillis(0.50)).put("p99Ms", steady.percentileMillis(0.99)).put("maxMs", steady.maxMillis())
                    .put("p99MsInclWarmUp", all.percentileMillis(0.99)).put("maxMsInclWarmUp", all.maxMillis())
                    .put("backoff", "full-jitter base 250ms cap 2s");
        }
    }

    /** A downstream that fails every call: handler calls per request with the retry budget off, then on. */
    static BenchResult amplification(BenchEnvironment env, long records) {
        double off = callsPerRequest(env, records, "0");
        double on = callsPerRequest(env, records, "500");
        PrintWriter out = env.out();
        out.printf("%n%-36s %8.3f  (must equal max-attempts = 3)%n", "calls per request, budget off", off);
        out.printf("%-36s %8.3f  (target <= 1.1)%n", "calls per request, budget 500 tokens", on);
        return new BenchResult("retry-amplification").put("records", records).put("maxAttempts", 3)
                .put("callsPerRequestBudgetOff", off).put("callsPerRequestBudgetOn", on);
    }

    private static double callsPerRequest(BenchEnvironment env, long records, String budgetTokens) {
        PipelineConfig config = env.config("amplification", 4)
                .set("pipeline.retry.max-attempts", "3")
                .set("pipeline.retry.base", "5ms")
                .set("pipeline.retry.cap", "50ms")
                .set("pipeline.retry.budget.tokens", budgetTokens)
                .set("pipeline.health.pause-after-failures", "0")
                .set("pipeline.handler.simulated.failure-rate", "1.0")
                .set("pipeline.handler.simulated.latency", "1ms")
                .load();
        try (PipelineApp app = PipelineApp.start(config)) {
            new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(), Clock.systemUTC())
                    .produce(new ProduceSpec(records, 0, 1000, 100, null, "amp"), n -> { });
            env.timeUntil(() -> app.stats().dropsTotal(), records, Duration.ofMinutes(5), Duration.ofMillis(100));
            double calls = (double) app.stats().handlerCalls() / records;
            env.out().printf("  budget %s: %,d calls for %,d requests; drops %s%n", budgetTokens.equals("0") ? "off" : budgetTokens,
                    app.stats().handlerCalls(), records, dropsByReason(app));
            return calls;
        }
    }

    private static String dropsByReason(PipelineApp app) {
        StringBuilder text = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long n = app.stats().drops(reason);
            if (n > 0) {
                text.append(reason).append('=').append(n).append(' ');
            }
        }
        return text.toString().strip();
    }
}
