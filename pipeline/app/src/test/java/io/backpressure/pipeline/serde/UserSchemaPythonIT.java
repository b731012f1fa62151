package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backpressure.pipeline.embed.BackpressurePipeline;
import io.backpressure.pipeline.embed.EmbeddedPipeline;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * A team's own schema end to end with an independent client: Confluent's Python producer writes Payment records (not
 * the envelope) to the real broker, registering the schema in the real registry; the pipeline, embedded in a Kafka
 * Streams application of the test's own, reads them as GenericRecords and writes Receipts; Confluent's Python consumer
 * reads every receipt back.
 */
class UserSchemaPythonIT {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYMENT = """
            {"type": "record", "name": "Payment", "namespace": "com.example.payments", "fields": [
              {"name": "paymentId", "type": "string"}, {"name": "amountCents", "type": "long"}]}""";
    private static final Schema RECEIPT = new Schema.Parser().parse("""
            {"type": "record", "name": "Receipt", "namespace": "com.example.payments", "fields": [
              {"name": "paymentId", "type": "string"}, {"name": "bookedCents", "type": "long"}, {"name": "attempt", "type": "int"}]}""");

    @Test
    void recordsOfAUsersSchemaFromPythonAreAnsweredAndReadBackByPython() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "user-schema-");
        ConfluentPythonPeer python = ConfluentPythonPeer.require(dir);
        TestStack stack = TestStack.get();
        String id = "user-schema-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> registry = Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stack.registryUrl());

        Topology topology = new Topology();
        EmbeddedPipeline pipeline = BackpressurePipeline.builder(Serdes.String(), AvroSerdes.generic(registry, false),
                        AvroSerdes.generic(registry, false))
                .topics(id + "-payments", id + "-receipts", id + "-dropped")
                // One partition: the Python consumer reads partition 0.
                .settings(Map.of("pipeline.topics.partitions", "1", "pipeline.bootstrap-servers", stack.bootstrapServers(),
                        "pipeline.schema-registry.url", stack.registryUrl()))
                .requestIds((key, payment, headers) -> payment.get("paymentId").toString())
                .handler(record -> {
                    GenericRecord receipt = new GenericData.Record(RECEIPT);
                    receipt.put("paymentId", record.value().get("paymentId").toString());
                    receipt.put("bookedCents", record.value().get("amountCents"));
                    receipt.put("attempt", record.attempt());
                    return CompletableFuture.completedFuture(Outcome.success(receipt));
                })
                .addTo(topology);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            pipeline.ensureTopics(admin);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        int count = 50;
        // Closed in reverse order: the Kafka Streams client first, then the pipeline's launcher and handler.
        try (pipeline; KafkaStreams streams = new KafkaStreams(topology, pipeline.streamsProperties(props))) {
            streams.start();
            Await.until("the application is running", Duration.ofSeconds(60), () -> streams.state() == KafkaStreams.State.RUNNING);
            Path schema = Files.writeString(dir.resolve("payment.avsc"), PAYMENT);
            List<String> payments = IntStream.range(0, count).mapToObj(n -> json(Map.of("paymentId", "p-" + n, "amountCents", 100L + n)))
                    .toList();
            python.run(PEER_TIMEOUT, payments, "produce", "--raw", "--bootstrap", stack.bootstrapServers(), "--registry",
                    stack.registryUrl(), "--topic", id + "-payments", "--schema-file", schema.toString());
            List<String> receipts = python.run(PEER_TIMEOUT, List.of(), "consume", "--raw", "--bootstrap", stack.bootstrapServers(),
                    "--registry", stack.registryUrl(), "--topic", id + "-receipts", "--count", Integer.toString(count),
                    "--timeout", "60");

            Set<String> expected = IntStream.range(0, count).mapToObj(n -> json(Map.of("paymentId", "p-" + n,
                    "bookedCents", 100L + n, "attempt", 1))).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, receipts.stream().map(UserSchemaPythonIT::normalized).collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(fields));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same JSON with its fields in name order, so Python's field order does not matter. */
    @SuppressWarnings("unchecked")
    private static String normalized(String line) {
        try {
            return json(JSON.readValue(line, Map.class));
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + line, e);
        }
    }
}
