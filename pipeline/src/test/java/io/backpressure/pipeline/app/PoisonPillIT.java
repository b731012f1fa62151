package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Invariant 7 on the real broker: bad records go to dropped with a reason; good records around them still get results. */
class PoisonPillIT {

    @Test
    void poisonPillsAreDroppedAsUndecodableAndValidNeighboursStillSucceed() throws Exception {
        PipelineConfig config = ItConfig.forTest("poison").set("pipeline.topics.partitions", "1").load();
        Map<String, byte[]> pills = new HashMap<>();
        byte[] random = new byte[64];
        new Random(3).nextBytes(random);
        random[0] = 0x42;
        pills.put("random-bytes", random);
        pills.put("wrong-magic", new byte[] {1, 0, 0, 0, 1, 2, 3});
        pills.put("unknown-schema-id", new byte[] {0, 0x7F, 0, 0, 1, 2, 3});
        pills.put("empty-value", new byte[0]);
        pills.put("null-value", null);
        try (PipelineApp app = PipelineApp.start(config);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer());
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("good-"), true)) {
            AvroSerializer<WorkRequest> serializer = new AvroSerializer<>();
            serializer.configure(Map.of("schema.registry.url", config.kafka().schemaRegistryUrl()), false);
            int good = 0;
            for (Map.Entry<String, byte[]> pill : pills.entrySet()) {
                producer.send(new ProducerRecord<>(config.topics().input(), utf8(pill.getKey()), pill.getValue())).get();
                WorkRequest valid = WorkRequest.newBuilder().setRequestId("good-" + good++).setKey("k")
                        .setPayload(ByteBuffer.allocate(4)).setCreatedAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(config.topics().input(), utf8("k"),
                        serializer.serialize(config.topics().input(), valid))).get();
            }
            int goodCount = good;
            Await.until("results of the valid records", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(200)).results() >= goodCount);
            Map<String, ConsumerRecord<byte[], byte[]>> drops = readDropped(config, pills.size());
            assertEquals(pills.keySet(), drops.keySet());
            drops.forEach((name, record) -> {
                assertEquals("UNDECODABLE", PipelineHeaders.get(record.headers(), PipelineHeaders.DROP_REASON), name);
                assertEquals(config.topics().input(), PipelineHeaders.get(record.headers(), PipelineHeaders.ORIGINAL_TOPIC));
                assertTrue(PipelineHeaders.get(record.headers(), PipelineHeaders.LAST_ERROR) != null, name);
                byte[] original = pills.get(name);
                if (original == null) {
                    assertEquals(null, record.value(), name);
                } else {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(original, record.value(), name);
                }
            });
            assertTrue(PipelineHeaders.get(drops.get("unknown-schema-id").headers(), PipelineHeaders.LAST_ERROR).contains(
                    Integer.toString(0x7F000001)), "unknown id named in the error");
            assertEquals(goodCount, reader.tally().results());
            assertEquals(org.apache.kafka.streams.KafkaStreams.State.RUNNING, app.streams().state());
        }
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> readDropped(PipelineConfig config, int expected) {
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.kafka().applicationId() + "-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.topics().dropped()));
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            Await.until(expected + " dropped records", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= expected;
            }, () -> seen.size() + " seen");
            seen.forEach(r -> byKey.put(new String(r.key(), StandardCharsets.UTF_8), r));
        }
        return byKey;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
