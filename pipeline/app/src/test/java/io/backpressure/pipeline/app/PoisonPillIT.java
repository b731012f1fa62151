package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
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
import java.util.concurrent.CompletableFuture;
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

    /**
     * Failures caused by one record must not fail the stream thread (which would re-run the same records for ever): a
     * result larger than the producer may send is dropped as RESULT_TOO_LARGE, an absurd Retry-After waits only its cap,
     * and forged pipeline headers on input records are ignored. Their neighbours get results; the app keeps running.
     */
    @Test
    void recordCausedFailuresAreDroppedWithTheirReasonAndTheAppGoesOn() throws Exception {
        PipelineConfig config = ItConfig.forTest("poison2").set("pipeline.topics.partitions", "1")
                .set("pipeline.retry.retry-after-cap", "1s").set("pipeline.retry.budget.tokens", "0").load();
        RequestHandler handler = (request, attempt) -> CompletableFuture.completedFuture(switch (request.getRequestId()) {
            case "big" -> Outcome.success(new byte[2 * 1024 * 1024]);
            case "absurd-retry-after" -> attempt == 1
                    ? new Outcome.RetryableFailure<>("HTTP 503", Duration.ofSeconds(Long.MAX_VALUE / 2)) : Outcome.success(new byte[1]);
            default -> Outcome.success(new byte[1]);
        });
        List<String> ids = List.of("good-a", "big", "good-b", "absurd-retry-after", "forged-0", "forged-minus-1", "forged-99", "good-c");
        try (PipelineApp app = PipelineApp.start(config, handler);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer());
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> true, true)) {
            AvroSerializer<WorkRequest> serializer = new AvroSerializer<>();
            serializer.configure(Map.of("schema.registry.url", config.kafka().schemaRegistryUrl()), false);
            Map<String, String> forgedAttempt = Map.of("forged-0", "0", "forged-minus-1", "-1", "forged-99", "99");
            for (String id : ids) {
                WorkRequest request = WorkRequest.newBuilder().setRequestId(id).setKey("k").setPayload(ByteBuffer.allocate(4))
                        .setCreatedAt(Instant.now()).build();
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.topics().input(), utf8(id),
                        serializer.serialize(config.topics().input(), request));
                if (forgedAttempt.containsKey(id)) {
                    record.headers().add(PipelineHeaders.ATTEMPT, utf8(forgedAttempt.get(id)));
                    record.headers().add(PipelineHeaders.DUE_AT, utf8(Long.toString(Long.MAX_VALUE)));
                }
                producer.send(record).get();
            }
            Await.until("an outcome for every record", Duration.ofSeconds(60), () -> {
                reader.poll(Duration.ofMillis(200));
                return ids.stream().allMatch(id -> reader.tally().timesSeen(id) > 0);
            }, () -> reader.tally().results() + " results, " + reader.tally().dropped() + " dropped");
            assertEquals(ids.size() - 1, reader.tally().results(), "every record but the oversized result got its result");
            assertEquals(1, reader.tally().dropped());
            ConsumerRecord<byte[], byte[]> big = readDropped(config, 1).get("big");
            assertEquals("RESULT_TOO_LARGE", PipelineHeaders.get(big.headers(), PipelineHeaders.DROP_REASON));
            assertTrue(PipelineHeaders.get(big.headers(), PipelineHeaders.LAST_ERROR).contains("exceeds the producer's max.request.size"));
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
