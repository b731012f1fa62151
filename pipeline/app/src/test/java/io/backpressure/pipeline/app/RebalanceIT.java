package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A second instance joins mid-run and leaves again: tasks move twice with calls in flight, and nothing is missing. */
class RebalanceIT {

    @Test
    void instanceJoiningAndLeavingMidRunLosesNothing() {
        ConfigLoader loader = ItConfig.forTest("rebalance")
                .set("pipeline.topics.partitions", "6")
                .set("pipeline.window.capacity", "200")
                .set("pipeline.handler.simulated.latency", "20ms");
        var config = loader.load();
        int count = 15_000;
        // 10 s of arrivals: the second instance joins with most of them still to come, however long its start takes.
        ProduceSpec spec = new ProduceSpec(count, 1500, 600, 20, null, "rb");
        // The second instance needs its own state directory, as a second host would have.
        var second = loader.set("pipeline.state-dir", Path.of(config.kafka().stateDir() + "-second").toString()).load();
        try (PipelineApp first = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("rb-"), true)) {
            CompletableFuture<Long> producing = CompletableFuture.supplyAsync(() -> new RequestProducer(config.kafka().bootstrapServers(),
                    config.kafka().schemaRegistryUrl(), config.topics().input(), Clock.systemUTC()).produce(spec, n -> { }));
            Await.until("first results", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(100)).results() >= 2000);
            try (PipelineApp joining = PipelineApp.start(second)) {
                Await.until("the second instance to take work", Duration.ofSeconds(60),
                        () -> joining.stats().results() > 500 && reader.poll(Duration.ofMillis(100)) != null);
            }
            producing.join();
            Await.until("every request accounted for", Duration.ofSeconds(120), () -> {
                Tally t = reader.poll(Duration.ofMillis(200));
                return t.summarize(count, spec::requestId).missing() == 0;
            }, () -> reader.tally().summarize(count, spec::requestId).line());
            Tally.Summary summary = reader.tally().summarize(count, spec::requestId);
            assertEquals(0, summary.missing(), summary.line());
            System.out.println("RebalanceIT: " + summary.line());
        }
    }
}
