package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.testing.ItConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** {@code doctor} on the real stack: sound, then each way a deployment can be wrong, each named in one line with exit 1. */
class DoctorIT {

    @Test
    void aSoundDeploymentExitsZero() {
        ConfigLoader settings = ItConfig.forTest("doctor-ok");
        ItConfig.createTopics(settings.load());
        String[] result = doctor(settings);
        assertEquals("0", result[0], result[1] + result[2]);
        assertTrue(result[1].contains("OK    broker: ") && result[1].contains("OK    registry: ")
                && result[1].contains("OK    group doctor-ok-") && result[1].contains("OK    clock: this host is ")
                && result[1].endsWith("doctor: sound" + System.lineSeparator()), result[1]);
    }

    @Test
    void anUnreachableRegistryIsAFinding() throws Exception {
        ConfigLoader settings = ItConfig.forTest("doctor-registry");
        ItConfig.createTopics(settings.load());
        int nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = socket.getLocalPort();
        }
        settings.set("pipeline.schema-registry.url", "http://127.0.0.1:" + nobody);
        String[] result = doctor(settings, "--timeout", "2s");
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("FAIL  registry: http://127.0.0.1:" + nobody + " (pipeline.schema-registry.url): "), result[1]);
    }

    @Test
    void aMissingTopicThatWillNotBeCreatedIsAFinding() {
        ConfigLoader settings = ItConfig.forTest("doctor-missing").set("pipeline.topics.create", "false");
        PipelineConfig config = settings.load();
        String[] result = doctor(settings);
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("FAIL  topic " + config.topics().input() + ": missing and pipeline.topics.create=false: create it "
                + "with 4 partitions"), result[1]);
    }

    @Test
    void aTopicWithAnotherPartitionCountIsAFinding() throws Exception {
        ConfigLoader settings = ItConfig.forTest("doctor-partitions");
        PipelineConfig config = settings.load();
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            admin.createTopics(List.of(new NewTopic(config.topics().results(), 3, (short) 1))).all().get();
        }
        String[] result = doctor(settings);
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("FAIL  topic " + config.topics().results() + ": has 3 partitions but pipeline.topics.partitions is 4"),
                result[1]);
        assertTrue(result[1].contains("WARN  topic " + config.topics().input() + ": missing; run creates it"), result[1]);
    }

    /** A subject already holding a result schema this one cannot read (BACKWARD, the registry's default rule). */
    @Test
    void aResultSchemaTheRegistryWouldRefuseIsAFinding() {
        ConfigLoader settings = ItConfig.forTest("doctor-schema");
        PipelineConfig config = settings.load();
        ItConfig.createTopics(config);
        String subject = config.topics().results() + "-value";
        Schema older = SchemaBuilder.record("WorkResult").namespace("io.backpressure.schemas").fields().requiredString("foo").endRecord();
        Registries.open(SerdeConfig.parse(config.kafka().clients().serde(config.kafka().schemaRegistryUrl(), Map.of())))
                .register(subject, older);
        String[] result = doctor(settings);
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("FAIL  registry: the result schema is not compatible with the latest version under " + subject),
                result[1]);
    }

    @Test
    void contradictorySettingsAreAFinding() {
        ConfigLoader settings = ItConfig.forTest("doctor-settings").set("kafka.processing.guarantee", "exactly_once_v2");
        String[] result = doctor(settings);
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].startsWith("FAIL  settings: kafka.processing.guarantee=exactly_once_v2 and pipeline.processing-guarantee="),
                result[1]);
    }

    private static String[] doctor(ConfigLoader settings, String... extra) {
        List<String> command = new ArrayList<>(List.of("doctor"));
        command.addAll(List.of(extra));
        command.addAll(CliRun.settingsOf(settings));
        return CliRun.run(command.toArray(String[]::new));
    }
}
