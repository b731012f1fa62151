package io.backpressure.pipeline.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.cli.PipelineCli;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Each lag status reproduced on the real broker, through the lag command itself. */
class LagStatusIT {

    private static void produce(PipelineConfig config, int count, String prefix) {
        ItConfig.createTopics(config);
        new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                Clock.systemUTC()).produce(new ProduceSpec(count, 0, 20, 10, null, prefix), n -> { });
    }

    private static void runUntilDone(PipelineConfig config, int count, String prefix) {
        try (PipelineApp app = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith(prefix), true)) {
            Await.until("every request done", Duration.ofSeconds(60), () -> {
                var t = reader.poll(Duration.ofMillis(200));
                return t.results() + t.dropped() >= count;
            });
            // Let the last commit land before the app stops.
            Await.until("everything committed", Duration.ofSeconds(30), () -> {
                try (LagReader lag = new LagReader(config.kafka().bootstrapServers(), Clock.systemUTC())) {
                    return lag.read(config.kafka().applicationId(), Set.of()).stream().mapToLong(PartitionLag::lag).sum() == 0;
                }
            });
        }
    }

    private static String[] lagCommand(ConfigLoader loader, String... extra) {
        List<String> args = new ArrayList<>(List.of("lag", "--window", "2s", "--samples", "3", "--json"));
        loader.effectiveValues().forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.addAll(List.of(extra));
        CommandLine cli = PipelineCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute(args.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString()};
    }

    @Test
    void stoppedAppWithBacklogIsStalledAndTheCommandExitsNonZero() {
        ConfigLoader loader = ItConfig.forTest("stalled").set("pipeline.topics.partitions", "2");
        PipelineConfig config = loader.load();
        produce(config, 50, "st-a-");
        runUntilDone(config, 50, "st-a-");
        produce(config, 50, "st-b-");
        String[] result = lagCommand(loader);
        assertEquals("3", result[0], result[1]);
        assertTrue(result[1].contains("\"status\":\"STALLED\""), result[1]);
    }

    @Test
    void caughtUpGroupWithNoNewRecordsIsIdle() {
        ConfigLoader loader = ItConfig.forTest("idle").set("pipeline.topics.partitions", "2");
        PipelineConfig config = loader.load();
        produce(config, 50, "id-");
        runUntilDone(config, 50, "id-");
        String[] result = lagCommand(loader);
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("\"status\":\"IDLE\"") && result[1].contains("\"totalLag\":0"), result[1]);
    }

    @Test
    void caughtUpUnderExactlyOnceIsZeroLagNotOne() {
        // Retries make the app write its delay topics in transactions, so a caught-up delay partition ends in a marker.
        ConfigLoader loader = ItConfig.forTest("eos-lag").set("pipeline.topics.partitions", "2")
                .set("pipeline.processing-guarantee", "exactly_once_v2")
                .set("pipeline.handler.simulated.failure-rate", "0.5")
                .set("pipeline.retry.base", "10ms")
                .set("pipeline.retry.cap", "50ms")
                .set("pipeline.retry.budget.tokens", "0");
        PipelineConfig config = loader.load();
        produce(config, 100, "eo-");
        runUntilDone(config, 100, "eo-");
        try (LagReader reader = new LagReader(config.kafka().bootstrapServers(), Clock.systemUTC())) {
            List<PartitionLag> rows = reader.read(config.kafka().applicationId(), Set.of(config.topics().input()));
            // Delay topics are written in transactions; their markers must not show as a lag of 1 once caught up.
            assertEquals(0, rows.stream().mapToLong(PartitionLag::lag).sum(), rows.toString());
            assertTrue(rows.stream().anyMatch(r -> r.topic().contains("-retry-") && r.end() > 0), "retries went through delay topics");
        }
        String[] result = lagCommand(loader);
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("\"totalLag\":0") && !result[1].contains("STALLED") && !result[1].contains("LAGGING"), result[1]);
    }
}
