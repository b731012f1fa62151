package io.backpressure.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.SimulatedDownstream;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit on the real broker: a backlog against a downstream of 50 workers x 20 ms behind a window whose
 * hard cap is 1,000. The limit, not the cap, must decide: once settled, the calls in flight stay between 40 (the
 * workers kept busy) and 100 (no more than a short queue at the downstream), the downstream itself never sees more
 * than 100 at once, and every request ends in results.
 */
class AdaptiveWindowIT {
    private static final int COUNT = 40_000;
    private static final int WORKERS = 50;

    @Test
    void theLimitSettlesNearTheDownstreamsCapacityAndLosesNothing() {
        PipelineConfig config = ItConfig.forTest("adaptive")
                .set("pipeline.window.capacity", "1000")
                .set("pipeline.window.limit", "vegas")
                .set("pipeline.handler.timeout", "500ms")
                .set("pipeline.handler.simulated.latency", "20ms")
                .set("pipeline.handler.simulated.concurrency", Integer.toString(WORKERS))
                // Every commit drains the calls in flight first; the test configuration's 200 ms commits would empty the
                // window five times a second whatever the limit, so commits are spaced as in production here.
                .set("kafka.commit.interval.ms", "30000")
                .load();
        ItConfig.createTopics(config);
        ProduceSpec spec = new ProduceSpec(COUNT, 0, 500, 100, null, "adp");
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(spec, n -> { });
        SimulatedDownstream downstream = new SimulatedDownstream(config.handler().simulated());
        List<Integer> settled = new ArrayList<>();
        try (PipelineApp app = PipelineApp.start(config, downstream);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("adp-"), true)) {
            Await.until("5,000 results, the limit past its start", Duration.ofSeconds(60), () -> app.stats().results() >= 5_000);
            // While at least 10,000 requests still wait, the backlog, not the input, bounds what may be in flight.
            Await.until("the backlog worked down to 10,000", Duration.ofSeconds(120), () -> {
                settled.add(app.window().inFlight());
                return app.stats().results() >= COUNT - 10_000;
            });
            Await.until("all " + COUNT + " requests accounted for", Duration.ofSeconds(120), () -> {
                Tally t = reader.poll(Duration.ofMillis(200));
                return t.results() + t.dropped() >= COUNT;
            }, () -> reader.tally().results() + " results, " + reader.tally().dropped() + " dropped");
            Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            assertEquals(COUNT, summary.results(), "no timeouts, so no drops: " + summary.line());

            settled.sort(null);
            int low = settled.get(settled.size() / 20);
            int high = settled.get(settled.size() - 1 - settled.size() / 20);
            assertTrue(low >= 40 && high <= 100, "in flight once settled, 5th to 95th percentile of " + settled.size()
                    + " samples: " + low + " to " + high + " (limit now " + app.window().limit() + ")");
            assertTrue(downstream.maxOutstanding() <= 100, "the downstream saw at most " + downstream.maxOutstanding() + " calls at once");
            assertTrue(app.window().maxInFlight() <= 100, "the window never had more than " + app.window().maxInFlight() + " in flight");
        }
    }
}
