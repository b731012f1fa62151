package io.backpressure.pipeline.replay;

import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies dropped records of one reason back to the input topic, with every {@code pipeline.*} header removed so the
 * request starts again at attempt 1. Each reason has its own consumer group and transactional id: what was written and
 * how far the dropped topic was read commit in one transaction, so an interrupted replay resumes where it stopped and a
 * record is never replayed twice. A dropped record has exactly one reason, so runs for different reasons never overlap.
 * Records outside the time range are passed over, and a later replay of the same reason will not offer them again.
 */
public final class DroppedReplayer {
    private final ClientConfigs clients;
    private final String applicationId;
    private final String droppedTopic;
    private final String inputTopic;

    public DroppedReplayer(ClientConfigs clients, String applicationId, String droppedTopic, String inputTopic) {
        this.clients = clients;
        this.applicationId = applicationId;
        this.droppedTopic = droppedTopic;
        this.inputTopic = inputTopic;
    }

    /**
     * Progress of a replay: records of the dropped topic read and records written back to the input topic for the
     * reason under way, and records written back for every reason so far.
     */
    public record Progress(DropReason reason, long scanned, long replayed, long replayedInAll) {
    }

    /** The consumer group and transactional id of the replay of {@code reason}. */
    static String groupOf(String applicationId, DropReason reason) {
        return applicationId + "-replay-" + reason.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Replays every reason of the filter in turn, each record when {@code pacer} lets it go; returns the total replayed.
     * Progress is reported about once a second and at the end of each reason.
     */
    public long replay(ReplayFilter filter, Pacer pacer, Consumer<Progress> progress) throws InterruptedException {
        long total = 0;
        for (DropReason reason : filter.reasons().stream().sorted().toList()) {
            total += replayReason(reason, filter, pacer, total, progress);
        }
        return total;
    }

    private long replayReason(DropReason reason, ReplayFilter filter, Pacer pacer, long replayedBefore, Consumer<Progress> progress)
            throws InterruptedException {
        String name = groupOf(applicationId, reason);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, name,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A paced batch takes about a second, so no transaction comes near its timeout.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, pacer.perBatch())), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(clients.producer(Map.of(
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, name,
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            List<TopicPartition> partitions = consumer.partitionsFor(droppedTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(droppedTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            partitions.stream().filter(tp -> committed.get(tp) == null).forEach(tp -> consumer.seekToBeginning(List.of(tp)));
            long scanned = 0;
            long replayed = 0;
            long lastReport = System.nanoTime();
            while (!caughtUp(consumer, ends)) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    scanned++;
                    if (matches(record, reason, filter)) {
                        pacer.awaitTurn();
                        producer.send(new ProducerRecord<>(inputTopic, null, record.timestamp(), record.key(), record.value(),
                                PipelineHeaders.withoutOwn(record.headers())));
                        replayed++;
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
                for (TopicPartition tp : batch.partitions()) {
                    positions.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
                producer.sendOffsetsToTransaction(positions, consumer.groupMetadata());
                producer.commitTransaction();
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress.accept(new Progress(reason, scanned, replayed, replayedBefore + replayed));
                }
            }
            progress.accept(new Progress(reason, scanned, replayed, replayedBefore + replayed));
            return replayed;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static boolean matches(ConsumerRecord<byte[], byte[]> record, DropReason reason, ReplayFilter filter) {
        return reason.name().equals(PipelineHeaders.get(record.headers(), PipelineHeaders.DROP_REASON))
                && filter.inRange(PipelineHeaders.getLong(record.headers(), PipelineHeaders.DROPPED_AT, record.timestamp()));
    }
}
