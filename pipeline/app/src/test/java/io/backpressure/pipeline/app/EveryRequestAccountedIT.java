package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invariant 1 on the real broker and registry: 10,000 requests, every id in results or dropped. */
class EveryRequestAccountedIT {
    private static final int COUNT = 10_000;

    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void everyRequestEndsInResultsOrDropped(String guarantee) {
        PipelineConfig config = ItConfig.forTest("accounted")
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.handler.simulated.failure-rate", "0.2")
                .set("pipeline.retry.base", "10ms")
                .set("pipeline.retry.cap", "200ms")
                .set("pipeline.handler.simulated.latency", "2ms")
                .set("pipeline.window.capacity", "200")
                .load();
        ProduceSpec spec = new ProduceSpec(COUNT, 0, 500, 100, null, "acc");
        try (PipelineApp app = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("acc-"), true)) {
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(spec, n -> { });
            Await.until("all " + COUNT + " requests accounted for", Duration.ofSeconds(120), () -> {
                Tally t = reader.poll(Duration.ofMillis(200));
                return t.results() + t.dropped() >= COUNT;
            }, () -> reader.tally().results() + " results, " + reader.tally().dropped() + " dropped");
            // Read a little longer so late duplicates would be seen.
            reader.poll(Duration.ofSeconds(2));
            Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            if (guarantee.equals("exactly_once_v2")) {
                assertEquals(0, summary.duplicates(), summary.line());
            }
            // A 20 % failure rate with 3 attempts and a retry budget: results, retries and drops all happened.
            org.junit.jupiter.api.Assertions.assertTrue(summary.results() > COUNT / 2 && summary.dropped() > 0, summary.line());
            org.junit.jupiter.api.Assertions.assertTrue(app.stats().retriesScheduled() > 0, "retries were scheduled");
        }
    }
}
