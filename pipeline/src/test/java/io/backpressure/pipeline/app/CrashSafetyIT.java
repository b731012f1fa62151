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
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 1 across a real crash: the app runs in its own JVM, is killed with SIGKILL while hundreds of calls are in
 * flight, and restarted. Every request id must then be in results exactly once (exactly_once_v2) or at least once
 * (at_least_once); none missing under either.
 */
class CrashSafetyIT {
    private static final int COUNT = 20_000;

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void killMinus9WithCallsInFlightLosesNothing(String guarantee) throws Exception {
        // 100 ms calls through a window of 400: about 4,000 requests/s with 400 in flight at any moment.
        ConfigLoader loader = ItConfig.forTest("crash")
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.window.capacity", "400")
                .set("pipeline.handler.simulated.latency", "100ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("kafka.commit.interval.ms", "1000")
                // The killed member is noticed after the session timeout; keep it at the broker minimum so the restart is quick.
                .set("kafka.session.timeout.ms", "6000");
        PipelineConfig config = loader.load();
        ProduceSpec spec = new ProduceSpec(COUNT, 0, 1000, 50, null, "crash");
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(spec, n -> { });
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("crash-"), true)) {
            // Closing after the kill is a no-op; it stops the app's JVM if the wait below fails instead.
            try (AppJvm first = AppJvm.start(loader, AppLogs.of("crash-" + guarantee + "-first"))) {
                Await.until("the first instance to finish 3,000 requests", Duration.ofSeconds(90),
                        () -> reader.poll(Duration.ofMillis(100)).results() >= 3000, first::log);
                first.kill();
            }
            long beforeRestart = reader.poll(Duration.ofMillis(500)).results();
            assertTrue(beforeRestart < COUNT, "the crash must happen mid-run, but all " + COUNT + " were already done");

            try (AppJvm second = AppJvm.start(loader, AppLogs.of("crash-" + guarantee + "-second"))) {
                Await.until("every request accounted for after the restart", Duration.ofSeconds(120), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(COUNT, spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(COUNT, spec::requestId).line() + "\n" + second.log());
                reader.poll(Duration.ofSeconds(3));
            }
            Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            assertEquals(0, summary.dropped(), summary.line());
            if (guarantee.equals("exactly_once_v2")) {
                assertEquals(0, summary.duplicates(), summary.line());
            }
            System.out.printf("CrashSafetyIT %s: done before kill %d, %s%n", guarantee, beforeRestart, summary.line());
        }
    }
}
