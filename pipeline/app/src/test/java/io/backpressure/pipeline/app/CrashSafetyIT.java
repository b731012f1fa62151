package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.bench.AppJvm;
import io.backpressure.pipeline.testing.AppLogs;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import io.backpressure.pipeline.topology.PipelineTopology;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 1 across real crashes: the app runs in its own JVM and is killed with SIGKILL three times while hundreds of
 * calls are in flight, each time after its commits have persisted calls in flight to the timer store, and restarted.
 * Every request id must then be in results exactly once (exactly_once_v2) or at least once (at_least_once); none
 * missing under either.
 */
class CrashSafetyIT {
    private static final int COUNT = 20_000;
    private static final int KILLS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void killMinus9WithCallsInFlightAndPersistedLosesNothing(String guarantee) throws Exception {
        // 250 ms calls through a window of 400: about 1,600 requests/s with 400 in flight at any moment, most of them
        // persisted by each commit.
        ConfigLoader loader = ItConfig.forTest("crash")
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.window.capacity", "400")
                .set("pipeline.handler.simulated.latency", "250ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("kafka.commit.interval.ms", "1000")
                // The killed member is noticed after the session timeout; keep it at the broker minimum so the restart is quick.
                .set("kafka.session.timeout.ms", "6000");
        PipelineConfig config = loader.load();
        ProduceSpec spec = new ProduceSpec(COUNT, 0, 1000, 50, null, "crash");
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(spec, n -> { });
        String changelog = config.kafka().applicationId() + "-" + PipelineTopology.IN_FLIGHT_STORE + "-changelog";
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("crash-"), true)) {
            for (int kill = 1; kill <= KILLS; kill++) {
                long target = reader.poll(Duration.ofMillis(100)).results() + 2_000;
                long persistedBefore = persistedCalls(config, changelog);
                // Closing after the kill is a no-op; it stops the app's JVM if the wait below fails instead.
                try (AppJvm app = AppJvm.start(loader, AppLogs.of("crash-" + guarantee + "-" + kill))) {
                    Await.until("2,000 more results and calls persisted before kill " + kill, Duration.ofSeconds(120),
                            () -> reader.poll(Duration.ofMillis(100)).results() >= target && persistedCalls(config, changelog) > persistedBefore,
                            app::log);
                    app.kill();
                }
            }
            long beforeLastStart = reader.poll(Duration.ofMillis(500)).results();
            assertTrue(beforeLastStart < COUNT, "the crashes must happen mid-run, but all " + COUNT + " were already done");

            try (AppJvm last = AppJvm.start(loader, AppLogs.of("crash-" + guarantee + "-last"))) {
                Await.until("every request accounted for after the restarts", Duration.ofSeconds(120), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(COUNT, spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(COUNT, spec::requestId).line() + "\n" + last.log());
                reader.poll(Duration.ofSeconds(3));
            }
            Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            assertEquals(0, summary.dropped(), summary.line());
            if (guarantee.equals("exactly_once_v2")) {
                assertEquals(0, summary.duplicates(), summary.line());
            }
            System.out.printf("CrashSafetyIT %s: %d kills, done before the last start %d, in-flight store writes %d, %s%n", guarantee, KILLS,
                    beforeLastStart, persistedCalls(config, changelog), summary.line());
        }
    }

    /** Batches of persisted calls committed to the in-flight store's changelog so far (writes, not deletes). */
    private static long persistedCalls(PipelineConfig config, String changelog) {
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(changelog)) {
                return 0;
            }
        } catch (Exception e) {
            throw new IllegalStateException("listing topics", e);
        }
        return TopicReader.readAll(config.kafka().bootstrapServers(), changelog).stream()
                .filter(r -> r.value() != null).count();
    }
}
