package io.backpressure.pipeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.bench.AppJvm;
import io.backpressure.pipeline.testing.AppLogs;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import io.backpressure.schemas.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries on the real broker: never released before their due time, and none lost or released early across a crash. */
class RetryIT {

    @Test
    void noRetryIsCalledBeforeItsDueTime() {
        PipelineConfig config = ItConfig.forTest("due")
                .set("pipeline.retry.max-attempts", "2")
                .set("pipeline.retry.base", "200ms")
                .set("pipeline.retry.cap", "2s")
                .set("pipeline.retry.budget.tokens", "0")
                // Every first attempt fails by design here; that must not read as a downstream outage.
                .set("pipeline.health.pause-after-failures", "0")
                .load();
        Map<String, Long> retryCalledAt = new ConcurrentHashMap<>();
        int count = 500;
        ProduceSpec spec = new ProduceSpec(count, 0, 100, 10, null, "due");
        try (PipelineApp app = PipelineApp.start(config, (request, attempt) -> {
            if (attempt == 1) {
                return CompletableFuture.completedFuture(new Outcome.RetryableFailure<>("first attempt fails"));
            }
            retryCalledAt.put(request.getRequestId(), System.currentTimeMillis());
            return CompletableFuture.completedFuture(Outcome.success(new byte[0]));
        })) {
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(spec, n -> { });
            Await.until("every retry called", Duration.ofSeconds(60), () -> retryCalledAt.size() >= count,
                    () -> retryCalledAt.size() + " retried");
            Map<String, Long> dueById = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config.kafka().bootstrapServers(), config.delayTopic(1))) {
                dueById.put(PipelineHeaders.get(r.headers(), PipelineHeaders.REQUEST_ID),
                        PipelineHeaders.getLong(r.headers(), PipelineHeaders.DUE_AT, Long.MAX_VALUE));
            }
            assertEquals(count, dueById.size(), "one delay-topic record per request");
            long early = dueById.entrySet().stream().filter(e -> retryCalledAt.get(e.getKey()) < e.getValue()).count();
            assertEquals(0, early, "retries called before their due time");
            assertEquals(0, app.lateness().releasedEarly());
            System.out.printf("RetryIT lateness over %d retries: p50 %d ms, p99 %d ms, max %d ms%n", app.lateness().released(),
                    app.lateness().percentileMillis(0.5), app.lateness().percentileMillis(0.99), app.lateness().maxMillis());
        }
    }

    /**
     * Invariant 1 with retries: half of all calls fail, calls take 0-600 ms and retries wait 1-4 s (longer than a commit
     * interval, so a released retry's delay-topic offset is long committed). Each kill waits
     * until the instance has released retries and has them in flight while others still wait in the timer store, so
     * a released retry whose outcome is not yet written is exactly what the SIGKILL interrupts. Three kills, then a last
     * instance runs to the end; every request must end up in results or dropped, under both guarantees.
     */
    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void killMinus9ThreeTimesWithRetriesPendingAndReleasedCallsInFlightLosesNothing(String guarantee) throws Exception {
        ConfigLoader loader = ItConfig.forTest("retrycrash")
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.handler.simulated.failure-rate", "0.5")
                .set("pipeline.handler.simulated.latency", "300ms")
                .set("pipeline.handler.simulated.distribution", "uniform")
                .set("pipeline.retry.max-attempts", "5")
                .set("pipeline.retry.backoff", "equal-jitter")
                .set("pipeline.retry.base", "1s")
                .set("pipeline.retry.cap", "4s")
                .set("pipeline.retry.budget.tokens", "0")
                .set("pipeline.health.pause-after-failures", "0")
                .set("kafka.commit.interval.ms", "200")
                .set("kafka.session.timeout.ms", "6000")
                // Hundreds of calls in flight at each kill: a fixed window fills at once, an adaptive one first has to
                // measure a 300 ms downstream, which takes longer than this test should.
                .set("pipeline.window.limit", "fixed");
        PipelineConfig config = loader.load();
        int count = 6000;
        ProduceSpec spec = new ProduceSpec(count, 0, 300, 10, null, "rc");
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(spec, n -> { });
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("rc-"), true)) {
            for (int run = 1; run <= 3; run++) {
                int port = Ports.ephemeral();
                // Closing after the kill is a no-op; it stops the app's JVM if the wait below fails instead.
                try (AppJvm app = AppJvm.start(loader.set("pipeline.http.port", Integer.toString(port)),
                        AppLogs.of("retry-crash-" + guarantee + "-" + run))) {
                    String metrics = "http://127.0.0.1:" + port + "/metrics";
                    Await.until("released retries in flight and more waiting before kill " + run, Duration.ofSeconds(90), () -> {
                        reader.poll(Duration.ofMillis(50));
                        String m = scrape(metrics);
                        return Http.sample(m, "pipeline_retries_released_total") >= 300 && Http.sample(m, "pipeline_window_in_flight") >= 100
                                && Http.sample(m, "pipeline_retry_pending") >= 50;
                    }, app::log);
                    app.kill();
                }
                assertTrue(reader.poll(Duration.ofMillis(200)).summarize(count, spec::requestId).missing() > 0,
                        "kill " + run + " came after the end of the run");
            }
            loader.set("pipeline.http.port", "0");
            try (AppJvm last = AppJvm.start(loader, AppLogs.of("retry-crash-" + guarantee + "-last"))) {
                Await.until("every request accounted for", Duration.ofSeconds(120), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(count, spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(count, spec::requestId).line() + "\n" + last.log());
                reader.poll(Duration.ofSeconds(2));
            }
            Tally.Summary summary = reader.tally().summarize(count, spec::requestId);
            System.out.printf("RetryIT crash x3 %s: %s%n", guarantee, summary.line());
            assertEquals(0, summary.missing(), summary.line());
            if (guarantee.equals("exactly_once_v2")) {
                assertEquals(0, summary.duplicates(), summary.line());
                assertNoResultBeforeItsRetryWasDue(config);
            }
        }
    }

    /** The exposition, or an empty one while the app's server is not up yet. */
    private static String scrape(String url) {
        try {
            return Http.get(url).body();
        } catch (AssertionError notUpYet) {
            return "";
        }
    }

    /** A result after k attempts completed no earlier than the due time of the delay record that carried attempt k. */
    private static void assertNoResultBeforeItsRetryWasDue(PipelineConfig config) {
        Map<String, Long> due = new HashMap<>();
        for (String topic : config.delayTopics()) {
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config.kafka().bootstrapServers(), topic)) {
                due.put(PipelineHeaders.get(r.headers(), PipelineHeaders.REQUEST_ID) + "#" + PipelineHeaders.get(r.headers(),
                        PipelineHeaders.ATTEMPT), PipelineHeaders.getLong(r.headers(), PipelineHeaders.DUE_AT, 0));
            }
        }
        AvroDeserializer<WorkResult> results = new AvroDeserializer<>();
        results.configure(Map.of("schema.registry.url", config.kafka().schemaRegistryUrl(), "specific.avro.reader", true), false);
        int retried = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().results())) {
            WorkResult result = results.deserialize(r.topic(), r.value());
            if (result.getAttempts() > 1) {
                retried++;
                Long dueAt = due.get(result.getRequestId() + "#" + result.getAttempts());
                assertTrue(dueAt != null, "no delay record for " + result.getRequestId() + " attempt " + result.getAttempts());
                assertTrue(result.getCompletedAt().toEpochMilli() >= dueAt, result.getRequestId() + " attempt " + result.getAttempts()
                        + " completed at " + result.getCompletedAt().toEpochMilli() + ", before its due time " + dueAt);
            }
        }
        assertTrue(retried > 500, "enough results came through retries to mean something: " + retried);
    }
}
