package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rebalance with persisted calls: calls take 8 s, far longer than the handover wait, and the window holds most of the
 * backlog, so every task has calls in flight when the second instance joins. The instance giving tasks away persists
 * those calls and keeps running them after their tasks closed. The joining instance must call
 * those requests again from the store, nothing may be missing, and under exactly_once_v2 no result may appear twice:
 * a call that finishes after its task left routes nothing.
 */
class HandoverIT {
    private static final int COUNT = 3_000;

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void theNewOwnerCallsThePersistedRequestsAgainAndNothingIsMissingOrDuplicated(String guarantee) {
        ConfigLoader loader = ItConfig.forTest("handover-" + guarantee.substring(0, 4))
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.topics.partitions", "6")
                .set("pipeline.window.capacity", "1000")
                .set("pipeline.handler.timeout", "20s")
                .set("kafka.producer.transaction.timeout.ms", "60000")
                .set("pipeline.handler.simulated.latency", "8s")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.commit.handover-wait", "100ms");
        PipelineConfig config = loader.load();
        PipelineConfig joiningConfig = loader.set("pipeline.state-dir", Path.of(config.kafka().stateDir() + "-joining").toString()).load();
        ProduceSpec spec = new ProduceSpec(COUNT, 0, 600, 20, null, "ho");
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(), Clock.systemUTC())
                .produce(spec, n -> { });
        try (OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                config.topics().results(), config.topics().dropped(), id -> id.startsWith("ho-"), true);
             PipelineApp first = PipelineApp.start(config)) {
            Await.until("the first instance to persist calls in flight", Duration.ofSeconds(60),
                    () -> first.stats().callsPersisted() >= 100 && first.stats().results() > 0);
            try (PipelineApp joining = PipelineApp.start(joiningConfig)) {
                Await.until("every request accounted for", Duration.ofSeconds(120), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(COUNT, spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(COUNT, spec::requestId).line());
                reader.poll(Duration.ofSeconds(3));
                Tally.Summary summary = reader.tally().summarize(COUNT, spec::requestId);
                System.out.printf("HandoverIT %s: %s; the joining instance called again %d persisted request(s)%n", guarantee,
                        summary.line(), joining.stats().callsResumed());
                assertTrue(joining.stats().callsResumed() > 0, "the joining instance took over no persisted call: " + summary.line());
                assertEquals(0, summary.missing(), summary.line());
                assertEquals(0, summary.dropped(), summary.line());
                if (guarantee.equals("exactly_once_v2")) {
                    assertEquals(0, summary.duplicates(), summary.line());
                }
            }
        }
    }
}
