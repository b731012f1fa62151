package io.backpressure.pipeline.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Round trip: an outage drops requests; after it is fixed, replay brings each back exactly once and they succeed. */
class ReplayIT {

    @Test
    void replayedDropsSucceedOnceTheOutageIsOverAndASecondReplayFindsNothing() throws InterruptedException {
        ConfigLoader loader = ItConfig.forTest("replay").set("pipeline.retry.max-attempts", "1")
                .set("pipeline.health.pause-after-failures", "0");
        PipelineConfig outage = loader.set("pipeline.handler.simulated.failure-rate", "1.0").load();
        int count = 300;
        ProduceSpec spec = new ProduceSpec(count, 0, 50, 10, null, "rp");
        ItConfig.createTopics(outage);
        try (OutcomeReader reader = new OutcomeReader(outage.kafka().bootstrapServers(), outage.kafka().schemaRegistryUrl(),
                outage.topics().results(), outage.topics().dropped(), id -> id.startsWith("rp-"), true)) {
            try (PipelineApp app = PipelineApp.start(outage)) {
                new RequestProducer(outage.kafka().bootstrapServers(), outage.kafka().schemaRegistryUrl(), outage.topics().input(),
                        Clock.systemUTC()).produce(spec, n -> { });
                Await.until("every request dropped during the outage", Duration.ofSeconds(60),
                        () -> reader.poll(Duration.ofMillis(200)).dropped() >= count);
            }
            DroppedReplayer replayer = new DroppedReplayer(outage.kafka().clients(), outage.kafka().applicationId(),
                    outage.topics().dropped(), outage.topics().input());
            ReplayFilter filter = new ReplayFilter(Set.of(DropReason.RETRIES_EXHAUSTED, DropReason.NON_RETRYABLE), null, null);
            assertEquals(count, replayer.replay(filter, Pacer.UNPACED, p -> { }));
            assertEquals(0, replayer.replay(filter, Pacer.UNPACED, p -> { }), "a second replay must not copy the same records again");

            PipelineConfig fixed = loader.set("pipeline.handler.simulated.failure-rate", "0.0").load();
            try (PipelineApp app = PipelineApp.start(fixed)) {
                Await.until("every replayed request succeeded", Duration.ofSeconds(60),
                        () -> reader.poll(Duration.ofMillis(200)).results() >= count);
                reader.poll(Duration.ofSeconds(1));
            }
            assertEquals(count, reader.tally().results());
            assertEquals(0, reader.tally().summarize(count, spec::requestId).missing());
            assertEquals(count, reader.tally().summarize(count, spec::requestId).duplicates(),
                    "each id appears exactly twice: once dropped during the outage, once as a result after the replay");
        }
    }
}
