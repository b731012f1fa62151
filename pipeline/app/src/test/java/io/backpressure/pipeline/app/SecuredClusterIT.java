package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.broker.BrokerSecurity;
import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.lag.LagReader;
import io.backpressure.pipeline.lag.PartitionLag;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.replay.DroppedReplayer;
import io.backpressure.pipeline.replay.Pacer;
import io.backpressure.pipeline.replay.ReplayFilter;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline and its commands against a broker that requires SASL_SSL with SCRAM-SHA-512 (the local stack's secured
 * mode, a CA and certificates made with the JDK): every client is built from the same kafka.* settings.
 */
class SecuredClusterIT {
    private static LocalStack stack;
    private static BrokerSecurity security;

    @BeforeAll
    static void startSecuredStack() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secured-");
        security = BrokerSecurity.in(dir.resolve("tls"));
        stack = LocalStack.start(dir, Ports.ephemeral(), Ports.ephemeral(), Ports.ephemeral(), security);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static ConfigLoader secured(String name, String password) {
        ConfigLoader loader = ItConfig.forTest(name).set("pipeline.schema-registry.url", stack.registryUrl());
        (password == null ? security.clientSettings(stack.bootstrapServers()) : security.clientSettings(stack.bootstrapServers(), password))
                .forEach(loader::set);
        return loader;
    }

    @Test
    void runProduceLagReplayAndTheAuditAllConnectWithTheSameSettings() throws Exception {
        ConfigLoader loader = secured("secure", null).set("pipeline.retry.max-attempts", "1")
                .set("pipeline.health.pause-after-failures", "0");
        PipelineConfig failing = loader.set("pipeline.handler.simulated.failure-rate", "1.0").load();
        int count = 200;
        ProduceSpec spec = new ProduceSpec(count, 0, 50, 10, null, "sec");
        ItConfig.createTopics(failing);
        try (OutcomeReader reader = new OutcomeReader(failing.kafka().clients(), failing.kafka().schemaRegistryUrl(),
                failing.topics().results(), failing.topics().dropped(), id -> id.startsWith("sec-"), true)) {
            try (PipelineApp app = PipelineApp.start(failing)) {
                new RequestProducer(failing.kafka().clients(), failing.kafka().schemaRegistryUrl(), failing.topics().input(),
                        Clock.systemUTC()).produce(spec, n -> { });
                Await.until("every request dropped", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(200)).dropped() >= count);
                try (LagReader lag = new LagReader(failing.kafka().clients(), Clock.systemUTC())) {
                    Await.until("lag 0 on the input topic", Duration.ofSeconds(30), () -> {
                        List<PartitionLag> rows = lag.read(failing.kafka().applicationId(), Set.of(failing.topics().input()));
                        return !rows.isEmpty() && rows.stream().allMatch(r -> r.lag() == 0);
                    });
                }
            }
            DroppedReplayer replayer = new DroppedReplayer(failing.kafka().clients(), failing.kafka().applicationId(),
                    failing.topics().dropped(), failing.topics().input());
            assertEquals(count, replayer.replay(new ReplayFilter(Set.of(DropReason.RETRIES_EXHAUSTED), null, null), Pacer.UNPACED, p -> { }));
            try (PipelineApp app = PipelineApp.start(loader.set("pipeline.handler.simulated.failure-rate", "0.0").load())) {
                Await.until("every replayed request succeeded", Duration.ofSeconds(60),
                        () -> reader.poll(Duration.ofMillis(200)).results() >= count);
            }
            assertEquals(0, reader.tally().summarize(count, spec::requestId).missing());
        }
    }

    @Test
    void aWrongPasswordFailsAtStartInOneLineNamingTheSetting() {
        PipelineConfig wrong = secured("wrongpw", "not-the-password").load();
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PipelineApp.start(wrong));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(e.getMessage().startsWith("Kafka refused the credentials (check kafka.sasl.jaas.config and kafka.sasl.mechanism)"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("not-the-password") && !e.getMessage().contains("\n"), e.getMessage());
        assertTrue(seconds < 30, "failed after " + seconds + " s, not after a timeout");
    }
}
