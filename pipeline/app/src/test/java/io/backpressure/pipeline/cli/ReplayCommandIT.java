package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private static final String TIMEOUT = "TimeoutException: no answer within 30s";
    private static final String UNAVAILABLE = "HTTP 503 from downstream";
    private static final String BAD_REQUEST = "HTTP 400 from downstream";

    private ConfigLoader settings;
    private PipelineConfig config;
    /** What the dropped topic holds once the fixture is written: the counts the command must report. */
    private Landed landed;

    /** 10,001 drops for "retries exhausted" (two errors), 300 "non-retryable"; no pipeline runs. */
    @BeforeAll
    void dropsOfAnOutage() {
        settings = ItConfig.forTest("replay-cli");
        config = settings.load();
        ItConfig.createTopics(config);
        List<ProducerRecord<byte[], byte[]>> drops = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            drops.add(drop("RETRIES_EXHAUSTED", i % 4 == 0 ? UNAVAILABLE : TIMEOUT, DT + i));
        }
        for (int i = 0; i < 300; i++) {
            drops.add(drop("NON_RETRYABLE", BAD_REQUEST, DT + 20_000 + i));
        }
        produceEvery(drops);
        landed = Landed.of(TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().dropped()));
    }

    /**
     * Sends the fixture and sends again what failed. In CI the first batches to the just-created topic once expired
     * after the producer's delivery timeout, silently (112 drops short); on a loaded machine a send that timed out had
     * nevertheless been written (1,008 drops over). So every record is written at least once, and the expectations
     * are what the topic holds afterwards ({@link Landed}), which is what the command must report.
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
        long exhausted = landed.count("RETRIES_EXHAUSTED");
        long nonRetryable = landed.count("NON_RETRYABLE");
        assertTrue(exhausted > 10_000 && nonRetryable >= 300, "fixture written: " + exhausted + " and " + nonRetryable);

        String[] dry = replay("--dry-run", "--reason", "RETRIES_EXHAUSTED,NON_RETRYABLE");
        assertEquals("0", dry[0], dry[1] + dry[2]);
        assertTrue(dry[1].contains(String.format("RETRIES_EXHAUSTED        %,10d   oldest %s   newest %s", exhausted,
                landed.oldest("RETRIES_EXHAUSTED"), landed.newest("RETRIES_EXHAUSTED"))), dry[1]);
        assertTrue(dry[1].contains(String.format("%,10d  %s", landed.count("RETRIES_EXHAUSTED", TIMEOUT), TIMEOUT))
                && dry[1].contains(String.format("%,10d  %s", landed.count("RETRIES_EXHAUSTED", UNAVAILABLE), UNAVAILABLE)), dry[1]);
        assertTrue(dry[1].contains(String.format("NON_RETRYABLE            %,10d", nonRetryable)), dry[1]);
        assertTrue(dry[1].contains(String.format("dry run: %,d request(s) would be replayed", exhausted + nonRetryable)), dry[1]);
        assertEquals(0, inputRecords(), "a dry run writes nothing");

        String[] unconfirmed = replay("--reason", "RETRIES_EXHAUSTED");
        assertEquals("2", unconfirmed[0], unconfirmed[1] + unconfirmed[2]);
        assertTrue(unconfirmed[1].contains(String.format("replay %,d request(s) to %s at 200/s, about ", exhausted,
                config.topics().input())), unconfirmed[1]);
        assertTrue(unconfirmed[1].contains("run again with --yes"), unconfirmed[1]);
        assertEquals(0, inputRecords());

        String[] small = replay("--reason", "NON_RETRYABLE", "--rate", "max");
        assertEquals("0", small[0], small[1] + small[2]);
        assertTrue(small[1].contains(String.format("replayed %,d dropped request(s)", nonRetryable)), small[1]);
        assertEquals(nonRetryable, inputRecords());
        String[] after = replay("--dry-run", "--reason", "RETRIES_EXHAUSTED,NON_RETRYABLE");
        assertTrue(after[1].contains("NON_RETRYABLE                     0")
                && after[1].contains(String.format("RETRIES_EXHAUSTED        %,10d", exhausted)),
                "replayed drops are not offered again:\n" + after[1]);

        String[] fast = replay("--reason", "NON_RETRYABLE", "--rate", "fast");
        assertEquals("2", fast[0]);
        assertTrue(fast[2].contains("--rate must be a positive number of requests per second, or max; was fast"), fast[2]);
    }

    /** The dropped topic's records by reason and last error, with each reason's oldest and newest drop time. */
    private record Landed(Map<String, Long> byReason, Map<String, Long> byReasonAndError, Map<String, Long> oldestMillis,
                          Map<String, Long> newestMillis) {
        static Landed of(List<ConsumerRecord<byte[], byte[]>> records) {
            Landed landed = new Landed(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String reason = PipelineHeaders.get(record.headers(), PipelineHeaders.DROP_REASON);
                long droppedAt = PipelineHeaders.getLong(record.headers(), PipelineHeaders.DROPPED_AT, -1);
                landed.byReason.merge(reason, 1L, Long::sum);
                String error = PipelineHeaders.get(record.headers(), PipelineHeaders.LAST_ERROR);
                landed.byReasonAndError.merge(reason + "/" + error, 1L, Long::sum);
                landed.oldestMillis.merge(reason, droppedAt, Math::min);
                landed.newestMillis.merge(reason, droppedAt, Math::max);
            }
            return landed;
        }

        long count(String reason) {
            return byReason.getOrDefault(reason, 0L);
        }

        long count(String reason, String error) {
            return byReasonAndError.getOrDefault(reason + "/" + error, 0L);
        }

        Instant oldest(String reason) {
            return Instant.ofEpochMilli(oldestMillis.get(reason));
        }

        Instant newest(String reason) {
            return Instant.ofEpochMilli(newestMillis.get(reason));
        }
    }

    private String[] replay(String... args) {
        List<String> command = new ArrayList<>(List.of("replay"));
        command.addAll(List.of(args));
        command.addAll(CliRun.settingsOf(settings));
        return CliRun.run(command.toArray(String[]::new));
    }

    /** Records in the input topic (read committed: a transaction's marker takes an offset but is no record). */
    private long inputRecords() {
        return TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().input()).size();
    }
}
