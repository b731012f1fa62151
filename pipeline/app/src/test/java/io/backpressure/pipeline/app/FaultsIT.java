package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.broker.RegistryProcess;
import io.backpressure.pipeline.broker.RestartableStack;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.schemas.WorkRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1 across the faults a deployment meets, each on a broker and a registry of the test's own (so stopping
 * them disturbs no other test): a registry outage, a broker restart, and a failure loop that must stop the instance.
 */
class FaultsIT {
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void registryOutageWithNewSchemaIdsArrivingDropsNothingAndLivenessStaysUp() throws Exception {
        try (RestartableStack stack = new RestartableStack(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "faults-"))) {
            int port = Ports.ephemeral();
            PipelineConfig config = config(stack, "regout").set("pipeline.http.port", Integer.toString(port)).load();
            ItConfig.createTopics(config);
            // Written with a schema id the app has never seen, so decoding them needs the registry while it is down.
            List<byte[]> evolved = evolvedRequests(config, 300);
            ProduceSpec before = new ProduceSpec(1000, 0, 100, 10, null, "before");
            try (PipelineApp app = PipelineApp.start(config);
                 KafkaProducer<byte[], byte[]> producer = rawProducer(config);
                 OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                         config.topics().results(), config.topics().dropped(), id -> true, true)) {
                new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                        Clock.systemUTC()).produce(before, n -> { });
                Await.until("results before the outage", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(100)).results() >= 1000);

                stack.stopRegistry();
                for (byte[] value : evolved) {
                    producer.send(new ProducerRecord<>(config.topics().input(), value)).get();
                }
                List<String> liveness = new ArrayList<>();
                long end = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < end) {
                    liveness.add(Http.get("http://127.0.0.1:" + port + "/health/live").statusCode() + "");
                    Thread.sleep(250); // sampling the outage, not waiting for anything
                }
                stack.startRegistry();

                Await.until("every request accounted for after the registry returned", Duration.ofSeconds(90), () -> {
                    reader.poll(Duration.ofMillis(200));
                    return reader.tally().summarize(1000, before::requestId).missing() == 0
                            && countSeen(reader.tally(), evolved.size(), "outage-") == evolved.size();
                }, () -> reader.tally().results() + " results, " + reader.tally().dropped() + " dropped");
                assertEquals(0, reader.tally().dropped(), "a registry outage is never a reason to drop");
                assertTrue(liveness.stream().allMatch("200"::equals), "liveness stayed UP through a transient outage: " + liveness);
                System.out.printf("FaultsIT registry outage: %d results, %d dropped, %d liveness samples all UP%n",
                        reader.tally().results(), reader.tally().dropped(), liveness.size());
            }
        }
    }

    @Test
    void brokerStoppedAndRestartedOnItsDataIsRecoveredFromUnaided() throws Exception {
        try (RestartableStack stack = new RestartableStack(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "faults-"))) {
            PipelineConfig config = config(stack, "brokerout").set("pipeline.handler.simulated.latency", "20ms")
                    .set("pipeline.window.capacity", "200").load();
            ItConfig.createTopics(config);
            ProduceSpec spec = new ProduceSpec(4000, 0, 100, 10, null, "b");
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(spec, n -> { });
            try (PipelineApp app = PipelineApp.start(config);
                 OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                         config.topics().results(), config.topics().dropped(), id -> id.startsWith("b-"), true)) {
                Await.until("results before the broker stops", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(100)).results() >= 500);
                stack.stopBroker();
                long end = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(250); // the outage itself
                }
                stack.startBroker();
                Await.until("every request accounted for after the broker returned", Duration.ofSeconds(150), () -> {
                    Tally t = reader.poll(Duration.ofMillis(200));
                    return t.summarize(spec.count(), spec::requestId).missing() == 0;
                }, () -> reader.tally().summarize(spec.count(), spec::requestId).line() + " state " + app.streams().state());
                Tally.Summary summary = reader.tally().summarize(spec.count(), spec::requestId);
                System.out.printf("FaultsIT broker restart: %s, state %s%n", summary.line(), app.streams().state());
                assertEquals(0, summary.missing(), summary.line());
                assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
            }
        }
    }

    @Test
    void aFailureLoopStopsTheInstanceNamingTheCauseAndLivenessTurnsDown() throws Exception {
        int port = Ports.ephemeral();
        String deadRegistry = RegistryProcess.urlFor(Ports.ephemeral());
        PipelineConfig config = ItConfig.forTest("loop").set("pipeline.schema-registry.url", deadRegistry)
                .set("pipeline.http.port", Integer.toString(port)).set("pipeline.handler.timeout", "200ms")
                .set("pipeline.stream-thread.max-replacements", "1").set("pipeline.topics.partitions", "1").load();
        ItConfig.createTopics(config);
        try (KafkaProducer<byte[], byte[]> producer = rawProducer(config)) {
            producer.send(new ProducerRecord<>(config.topics().input(), new byte[] {0, 0, 0, 0, 1, 2})).get();
        }
        try (PipelineApp app = PipelineApp.start(config)) {
            Await.until("the instance stopped itself", Duration.ofSeconds(60), () -> app.streams().state() == KafkaStreams.State.ERROR,
                    () -> "state " + app.streams().state());
            assertTrue(app.stopCause().startsWith("2 stream-thread failures within 300 s (pipeline.stream-thread.max-replacements=1), last: "),
                    app.stopCause());
            assertTrue(app.stopCause().contains("schema registry unavailable"), app.stopCause());
            assertEquals(503, Http.get("http://127.0.0.1:" + port + "/health/live").statusCode());
        }
    }

    private static ConfigLoader config(RestartableStack stack, String name) {
        return ItConfig.forTest(name).set("pipeline.bootstrap-servers", stack.bootstrapServers())
                .set("pipeline.schema-registry.url", stack.registryUrl());
    }

    private static int countSeen(Tally tally, int count, String prefix) {
        int seen = 0;
        for (int i = 0; i < count; i++) {
            seen += tally.timesSeen(prefix + i) > 0 ? 1 : 0;
        }
        return seen;
    }

    /** Requests written with WorkRequest plus an optional field, registered now under the input's subject. */
    private static List<byte[]> evolvedRequests(PipelineConfig config, int count) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schemaJson = (ObjectNode) json.readTree(WorkRequest.getClassSchema().toString());
        ObjectNode note = ((ArrayNode) schemaJson.get("fields")).addObject();
        note.put("name", "note").putArray("type").add("null").add("string");
        note.putNull("default");
        Schema evolved = new Schema.Parser().parse(schemaJson.toString());
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", config.kafka().schemaRegistryUrl()), false);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenericRecord request = new GenericData.Record(evolved);
            request.put("requestId", "outage-" + i);
            request.put("key", "k");
            request.put("payload", ByteBuffer.wrap("p".getBytes(StandardCharsets.UTF_8)));
            request.put("createdAt", Instant.now().toEpochMilli());
            request.put("note", "written during the outage");
            for (Schema.Field field : evolved.getFields()) {
                if (request.get(field.name()) == null && field.hasDefaultValue()) {
                    request.put(field.name(), GenericData.get().getDefaultValue(field));
                }
            }
            values.add(serializer.serialize(config.topics().input(), request));
        }
        return values;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(PipelineConfig config) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
