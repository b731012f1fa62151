package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The corrective action after an outage, as an operator runs it: a dry run writes nothing and says what would be
 * replayed and why it was dropped; more than 10,000 requests are not replayed without --yes; a replay copies each
 * drop once; a pace that is not a rate is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayCommandIT {
    private static final long DT = 1_700_000_000_000L;

    private ConfigLoader settings;
    private PipelineConfig config;

    /** 10,001 drops for "retries exhausted" (two errors), 300 "non-retryable"; no pipeline runs. */
    @BeforeAll
    void dropsOfAnOutage() {
        settings = ItConfig.forTest("replay-cli");
        config = settings.load();
        ItConfig.createTopics(config);
        List<ProducerRecord<byte[], byte[]>> drops = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            drops.add(drop("RETRIES_EXHAUSTED", i % 4 == 0 ? "HTTP 503 from downstream" : "TimeoutException: no answer within 30s", DT + i));
        }
        for (int i = 0; i < 300; i++) {
            drops.add(drop("NON_RETRYABLE", "HTTP 400 from downstream", DT + 20_000 + i));
        }
        produceEvery(drops);
    }

    /**
     * Sends the fixture and sends again what failed: in CI the first batches to the just-created topic once expired
     * after the producer's delivery timeout, silently, and the test then counted 112 drops short.
     */
    private void produceEvery(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> bounded = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafka().clients().producer(bounded),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<ProducerRecord<byte[], byte[]>> unsent = records;
            for (int round = 1; round <= 3 && !unsent.isEmpty(); round++) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (ProducerRecord<byte[], byte[]> record : unsent) {
                    sends.add(producer.send(record));
                }
                producer.flush();
                List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
                for (int i = 0; i < sends.size(); i++) {
                    try {
                        sends.get(i).get();
                    } catch (ExecutionException | InterruptedException e) {
                        failed.add(unsent.get(i));
                    }
                }
                unsent = failed;
            }
            assertTrue(unsent.isEmpty(), unsent.size() + " fixture records could not be written in three rounds");
        }
    }

    private ProducerRecord<byte[], byte[]> drop(String reason, String error, long droppedAt) {
        RecordHeaders headers = new RecordHeaders();
        PipelineHeaders.put(headers, PipelineHeaders.DROP_REASON, reason);
        PipelineHeaders.put(headers, PipelineHeaders.LAST_ERROR, error);
        PipelineHeaders.put(headers, PipelineHeaders.DROPPED_AT, droppedAt);
        // The record's own timestamp is now: drops stamped three years ago would be past the topic's 7-day retention,
        // and the broker deleting them under the producer made this fixture lose records. The drop time is the header.
        return new ProducerRecord<>(config.topics().dropped(), null, null, "k".getBytes(StandardCharsets.UTF_8),
                "request".getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void aDryRunWritesNothingAndAHugeReplayNeedsYesAndAReplayCopiesEachDropOnce() {
        String[] dry = replay("--dry-run", "--reason", "RETRIES_EXHAUSTED,NON_RETRYABLE");
        assertEquals("0", dry[0], dry[1] + dry[2]);
        assertTrue(dry[1].contains("RETRIES_EXHAUSTED            10,001   oldest 2023-11-14T22:13:20Z   newest 2023-11-14T22:13:30Z"),
                dry[1]);
        assertTrue(dry[1].contains("7,500  TimeoutException: no answer within 30s") && dry[1].contains("2,501  HTTP 503 from downstream"),
                dry[1]);
        assertTrue(dry[1].contains("NON_RETRYABLE                   300"), dry[1]);
        assertTrue(dry[1].contains("dry run: 10,301 request(s) would be replayed"), dry[1]);
        assertEquals(0, inputRecords(), "a dry run writes nothing");

        String[] unconfirmed = replay("--reason", "RETRIES_EXHAUSTED");
        assertEquals("2", unconfirmed[0], unconfirmed[1] + unconfirmed[2]);
        assertTrue(unconfirmed[1].contains("replay 10,001 request(s) to " + config.topics().input() + " at 200/s, about 51s?"), unconfirmed[1]);
        assertTrue(unconfirmed[1].contains("run again with --yes"), unconfirmed[1]);
        assertEquals(0, inputRecords());

        String[] small = replay("--reason", "NON_RETRYABLE", "--rate", "max");
        assertEquals("0", small[0], small[1] + small[2]);
        assertTrue(small[1].contains("replayed 300 dropped request(s)"), small[1]);
        assertEquals(300, inputRecords());
        String[] after = replay("--dry-run", "--reason", "RETRIES_EXHAUSTED,NON_RETRYABLE");
        assertTrue(after[1].contains("NON_RETRYABLE                     0") && after[1].contains("RETRIES_EXHAUSTED            10,001"),
                "replayed drops are not offered again:\n" + after[1]);

        String[] fast = replay("--reason", "NON_RETRYABLE", "--rate", "fast");
        assertEquals("2", fast[0]);
        assertTrue(fast[2].contains("--rate must be a positive number of requests per second, or max; was fast"), fast[2]);
    }

    private String[] replay(String... args) {
        List<String> command = new ArrayList<>(List.of("replay"));
        command.addAll(List.of(args));
        command.addAll(CliRun.settingsOf(settings));
        return CliRun.run(command.toArray(String[]::new));
    }

    /** Records in the input topic (read committed: a transaction's marker takes an offset but is no record). */
    private int inputRecords() {
        return TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().input()).size();
    }
}
