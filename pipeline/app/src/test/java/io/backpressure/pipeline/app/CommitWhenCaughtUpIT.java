package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.lag.LagReader;
import io.backpressure.pipeline.lag.PartitionLag;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A caught-up instance commits at once instead of at the next commit interval, so committed-offset lag reads 0 as
 * soon as the work is done. The interval here is 10 minutes: only the caught-up commit can bring lag to 0 in time.
 */
class CommitWhenCaughtUpIT {
    private static final int COUNT = 400;

    @Test
    void lagReadsZeroSoonAfterTheLastResultAlthoughTheCommitIntervalIsLong() {
        PipelineConfig config = ItConfig.forTest("caught-up")
                .set("kafka.commit.interval.ms", "600000")
                .set("pipeline.handler.simulated.latency", "5ms")
                .load();
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(new ProduceSpec(COUNT, 0, 100, 10, null, "cu"), n -> { });
        try (PipelineApp app = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("cu-"), false);
             LagReader lag = new LagReader(config.kafka().bootstrapServers(), Clock.systemUTC())) {
            Await.until("all " + COUNT + " results", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(200)).results() >= COUNT);

            Await.until("every input partition committed to its end", Duration.ofSeconds(10), () -> {
                List<PartitionLag> input = inputLag(lag, config);
                return input.size() == config.topics().partitions() && input.stream().allMatch(p -> p.lag() == 0);
            }, () -> inputLag(lag, config).toString());
            assertEquals(COUNT, inputLag(lag, config).stream().mapToLong(p -> Math.max(0, p.committed())).sum(),
                    "committed offsets cover every request");
        }
    }

    private static List<PartitionLag> inputLag(LagReader lag, PipelineConfig config) {
        return lag.read(config.kafka().applicationId(), Set.of(config.topics().input())).stream()
                .filter(p -> p.topic().equals(config.topics().input())).toList();
    }
}
