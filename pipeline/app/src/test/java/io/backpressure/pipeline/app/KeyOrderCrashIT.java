package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.bench.AppJvm;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.AppLogs;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import io.backpressure.pipeline.topology.PipelineTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code pipeline.ordering=key} (which requires exactly_once_v2) across real crashes: the app runs in its own JVM and is
 * killed with SIGKILL three times while calls are in flight, requests are parked behind busy keys and retries are
 * waiting (a tenth of all calls fail). Read committed, every request id must be answered exactly once, and each key's
 * results must be in the order its requests were produced.
 */
class KeyOrderCrashIT {
    private static final int COUNT = 8_000;
    private static final int KEYS = 100;
    private static final int KILLS = 3;

    @Test
    void killMinus9WithRetriesPendingKeepsEveryKeysResultsInInputOrderWithNoGapOrRepeat() throws Exception {
        // 100 keys, 200 ms calls: at most 500 requests/s, so the backlog outlasts the kills; every key always has
        // requests parked behind it.
        ConfigLoader loader = ItConfig.forTest("key-crash")
                .set("pipeline.processing-guarantee", "exactly_once_v2")
                .set("pipeline.ordering", "key")
                .set("pipeline.window.capacity", "200")
                .set("pipeline.handler.simulated.latency", "200ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.handler.simulated.failure-rate", "0.1")
                .set("pipeline.retry.max-attempts", "8")
                .set("pipeline.retry.base", "100ms").set("pipeline.retry.cap", "1s")
                // No request may be dropped here, so the retry budget is off.
                .set("pipeline.retry.budget.tokens", "0")
                .set("kafka.session.timeout.ms", "6000");
        PipelineConfig config = loader.load();
        ProduceSpec spec = new ProduceSpec(COUNT, 0, KEYS, 50, null, "keycrash");
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(spec, n -> { });
        // Key mode holds a head's retry in the timer store directly: its changelog's writes are the retries so far.
        String timers = config.kafka().applicationId() + "-" + PipelineTopology.TIMER_STORE + "-changelog";
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("keycrash-"), true)) {
            for (int kill = 1; kill <= KILLS; kill++) {
                long target = reader.poll(Duration.ofMillis(100)).results() + 1_000;
                long retriesBefore = retriesHeld(config, timers);
                try (AppJvm app = AppJvm.start(loader, AppLogs.of("key-crash-" + kill))) {
                    Await.until("1,000 more results and more retries held before kill " + kill, Duration.ofSeconds(120),
                            () -> reader.poll(Duration.ofMillis(100)).results() >= target && retriesHeld(config, timers) > retriesBefore,
                            app::log);
                    app.kill();
                }
            }
            long beforeLastStart = reader.poll(Duration.ofMillis(500)).results();
            assertTrue(beforeLastStart < COUNT, "the crashes must happen mid-run, but all " + COUNT + " were already done");

            try (AppJvm last = AppJvm.start(loader, AppLogs.of("key-crash-last"))) {
                Await.until("every request accounted for after the restarts", Duration.ofSeconds(180), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(COUNT, spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(COUNT, spec::requestId).line() + "\n" + last.log());
                reader.poll(Duration.ofSeconds(3));
            }
            Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            assertEquals(0, summary.dropped(), summary.line());
            assertEquals(0, summary.duplicates(), summary.line());
            assertEquals(0, reader.orderViolations(), "first results that went backwards within their key");
            System.out.printf("KeyOrderCrashIT: %d kills, done before the last start %d, retries held %d, order violations %d, %s%n",
                    KILLS, beforeLastStart, retriesHeld(config, timers), reader.orderViolations(), summary.line());
        }
    }

    /** Retries written to the timer store so far (its changelog's writes, not deletes), committed ones only. */
    private static long retriesHeld(PipelineConfig config, String changelog) {
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(changelog)) {
                return 0;
            }
        } catch (Exception e) {
            throw new IllegalStateException("listing topics", e);
        }
        return TopicReader.readAll(config.kafka().bootstrapServers(), changelog).stream().filter(r -> r.value() != null).count();
    }
}
