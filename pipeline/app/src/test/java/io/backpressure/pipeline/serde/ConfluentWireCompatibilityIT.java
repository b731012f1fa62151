package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backpressure.pipeline.testing.TestStack;
import io.backpressure.schemas.WorkRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serde against an independent implementation, Confluent's own Python Avro serde (python3-confluent-kafka 1.7.0),
 * through the real broker and the real registry: each reads what the other writes, and for the same record and schema
 * id both write the same bytes.
 */
class ConfluentWireCompatibilityIT {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestStack stack;
    private static ConfluentPythonPeer python;

    /** Per test, not once per class, so a missing peer shows as each test skipped rather than as no tests at all. */
    @BeforeEach
    void requirePeerAndStack() throws IOException {
        if (python == null) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "python-peer-");
            python = ConfluentPythonPeer.require(dir);
        }
        stack = TestStack.get();
    }

    @Test
    void recordsWrittenByConfluentsPythonProducerAreReadByTheJavaDeserializerFieldByField() {
        String topic = createTopic("py-to-java");
        List<WorkRequest> sent = samples();

        python.run(PEER_TIMEOUT, jsonLines(sent), "produce", "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
                "--topic", topic, "--schema-file", python.workRequestSchema().toString(), "--timeout", "60");

        List<byte[]> values = readValues(topic, sent.size());
        AvroDeserializer<WorkRequest> specific = new AvroDeserializer<>(WorkRequest.class);
        specific.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>();
        generic.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        for (int i = 0; i < sent.size(); i++) {
            assertSameFields(sent.get(i), specific.deserialize(topic, values.get(i)));
            GenericRecord record = generic.deserialize(topic, values.get(i));
            assertEquals(sent.get(i).getRequestId(), record.get("requestId").toString());
            assertEquals(sent.get(i).getCreatedAt().toEpochMilli(), record.get("createdAt"));
        }
    }

    @Test
    void recordsWrittenByTheJavaSerializerAreReadByConfluentsPythonConsumerFieldByField() throws Exception {
        String topic = createTopic("java-to-py");
        List<WorkRequest> sent = samples();
        AvroSerializer<WorkRequest> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        try (KafkaProducer<byte[], WorkRequest> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), serializer)) {
            for (WorkRequest request : sent) {
                // No key: AvroConsumer would try to Avro-decode any key it finds.
                producer.send(new ProducerRecord<>(topic, null, request)).get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }

        List<String> read = python.run(PEER_TIMEOUT, List.of(), "consume", "--bootstrap", stack.bootstrapServers(),
                "--registry", stack.registryUrl(), "--topic", topic, "--count", Integer.toString(sent.size()), "--timeout", "60");

        assertEquals(sent.size(), read.size(), String.join("\n", read));
        for (int i = 0; i < sent.size(); i++) {
            // Both sides through the parser, so 0 and 0L compare equal.
            assertEquals(JSON.readTree(toJson(sent.get(i)).toString()), JSON.readTree(read.get(i)), "record " + i);
        }
    }

    @Test
    void javaWritesTheSameBytesAsPythonForTheSchemaPythonRegistered() {
        String topic = "py-first-" + UUID.randomUUID();
        List<WorkRequest> records = samples();
        List<byte[]> fromPython = hex(python.run(PEER_TIMEOUT, jsonLines(records), "encode", "--registry", stack.registryUrl(),
                "--topic", topic, "--schema-file", python.workRequestSchema().toString()));

        // Python registered its own rendering of the schema; use.latest.version makes Java write under that id.
        AvroSerializer<WorkRequest> latest = serializer(AvroSerdes.AUTO_REGISTER_SCHEMAS, false, AvroSerdes.USE_LATEST_VERSION, true);
        AvroSerializer<WorkRequest> ownText = serializer(AvroSerdes.AUTO_REGISTER_SCHEMAS, true);
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(fromPython.get(i), latest.serialize(topic, records.get(i)), "record " + i);
            byte[] registeredByJava = ownText.serialize(topic, records.get(i));
            // The registry may give Java's rendering of the schema (with avro.java.string) its own id, as Apicurio does;
            // the Avro body is the same whatever the id.
            assertArrayEquals(body(fromPython.get(i)), body(registeredByJava), "record " + i);
        }
    }

    @Test
    void pythonWritesTheSameBytesAsJavaForTheSchemaJavaRegistered() {
        String topic = "java-first-" + UUID.randomUUID();
        List<WorkRequest> records = samples();
        AvroSerializer<WorkRequest> serializer = serializer();
        List<byte[]> fromJava = records.stream().map(r -> serializer.serialize(topic, r)).toList();

        List<byte[]> fromPython = hex(python.run(PEER_TIMEOUT, jsonLines(records), "encode", "--registry", stack.registryUrl(),
                "--topic", topic, "--schema-id", Integer.toString(schemaId(fromJava.get(0)))));

        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(fromJava.get(i), fromPython.get(i), "record " + i);
        }
    }

    /** Edge cases of every field: unicode, every byte value, empty values, null and set deadline, pre-1970 time. */
    private static List<WorkRequest> samples() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] large = new byte[64 * 1024];
        new Random(42).nextBytes(large);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("tenant", "acme");
        attributes.put("trace-id", "4bf92f3577b34da6a3ce929d0e0e4736");
        attributes.put("ünïcödé ✓", "値 🚀");
        return List.of(
                request("req-1", "key-1", everyByte, Instant.parse("2026-03-04T05:06:07.089Z"), Instant.parse("2026-03-04T05:07:00Z"), attributes),
                request("", "", new byte[0], Instant.EPOCH, null, Map.of()),
                request("req-ü-日本", "k ✓", large, Instant.ofEpochMilli(-86_400_001L), Instant.ofEpochMilli(Long.MAX_VALUE / 1_000_000),
                        Map.of("only", "")));
    }

    private static WorkRequest request(String id, String key, byte[] payload, Instant createdAt, Instant deadline, Map<String, String> attributes) {
        return WorkRequest.newBuilder().setRequestId(id).setKey(key).setPayload(ByteBuffer.wrap(payload))
                .setCreatedAt(createdAt).setDeadline(deadline).setAttributes(attributes).build();
    }

    private static void assertSameFields(WorkRequest expected, WorkRequest actual) {
        assertEquals(expected.getRequestId(), actual.getRequestId());
        assertEquals(expected.getKey(), actual.getKey());
        assertEquals(expected.getPayload(), actual.getPayload());
        assertEquals(expected.getCreatedAt(), actual.getCreatedAt());
        assertEquals(expected.getDeadline(), actual.getDeadline());
        assertEquals(expected.getAttributes(), actual.getAttributes());
        assertEquals(expected, actual);
    }

    /** The neutral form the Python peer reads and prints: payload in base64, timestamps in epoch millis. */
    private static JsonNode toJson(WorkRequest request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("requestId", request.getRequestId());
        node.put("key", request.getKey());
        ByteBuffer payload = request.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        node.put("payload", Base64.getEncoder().encodeToString(bytes));
        node.put("createdAt", request.getCreatedAt().toEpochMilli());
        if (request.getDeadline() == null) {
            node.putNull("deadline");
        } else {
            node.put("deadline", request.getDeadline().toEpochMilli());
        }
        ObjectNode attributes = node.putObject("attributes");
        request.getAttributes().forEach(attributes::put);
        return node;
    }

    private static List<String> jsonLines(List<WorkRequest> requests) {
        return requests.stream().map(r -> toJson(r).toString()).toList();
    }

    private static List<byte[]> hex(List<String> lines) {
        return lines.stream().map(HexFormat.of()::parseHex).toList();
    }

    private static byte[] body(byte[] value) {
        return Arrays.copyOfRange(value, 5, value.length);
    }

    private static int schemaId(byte[] value) {
        assertEquals(0, value[0], "magic byte");
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    private static AvroSerializer<WorkRequest> serializer(Object... settings) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, stack.registryUrl());
        for (int i = 0; i < settings.length; i += 2) {
            config.put((String) settings[i], settings[i + 1]);
        }
        AvroSerializer<WorkRequest> serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        return serializer;
    }

    private static String createTopic(String prefix) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot create topic " + topic + ": " + e.getMessage(), e);
        }
        return topic;
    }

    /** The raw values of the first {@code count} records of partition 0, polling with a bound. */
    private static List<byte[]> readValues(String topic, int count) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (values.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read " + values.size() + " of " + count + " records from " + topic + " within " + KAFKA_TIMEOUT);
                }
                Iterator<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(200)).iterator();
                records.forEachRemaining(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
