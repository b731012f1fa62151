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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
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
        String delayTopic = config.delayTopic(1);
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("keycrash-"), true)) {
            for (int kill = 1; kill <= KILLS; kill++) {
                long target = reader.poll(Duration.ofMillis(100)).results() + 1_000;
                long retriesBefore = endOffsets(config, delayTopic);
                try (AppJvm app = AppJvm.start(loader, AppLogs.of("key-crash-" + kill))) {
                    Await.until("1,000 more results and more retries sent before kill " + kill, Duration.ofSeconds(120),
                            () -> reader.poll(Duration.ofMillis(100)).results() >= target && endOffsets(config, delayTopic) > retriesBefore,
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
            System.out.printf("KeyOrderCrashIT: %d kills, done before the last start %d, retries sent %d, order violations %d, %s%n",
                    KILLS, beforeLastStart, endOffsets(config, delayTopic), reader.orderViolations(), summary.line());
        }
    }

    /** Records written to a delay topic so far, over its partitions. */
    private static long endOffsets(PipelineConfig config, String topic) {
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .stream().collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("reading the end offsets of " + topic, e);
        }
    }
}
