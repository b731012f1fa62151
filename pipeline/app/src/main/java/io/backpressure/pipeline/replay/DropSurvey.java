package io.backpressure.pipeline.replay;

import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a replay would copy, found without writing anything: the dropped topic is read with its partitions assigned
 * (no group joined, no offset committed), and a record counts when its reason is chosen, it lies in the time range,
 * and that reason's replay has not passed it yet (its group's committed offset).
 */
public final class DropSurvey {
    /** Distinct error messages counted per reason; more are counted as "other", so a survey's memory is bounded. */
    static final int MAX_DISTINCT_ERRORS = 1000;

    private DropSurvey() {
    }

    /**
     * One reason's drops still to replay.
     *
     * @param topErrors the most frequent {@code pipeline.last.error} values with their counts, most frequent first
     */
    public record ReasonSummary(DropReason reason, long count, Instant oldest, Instant newest, List<Map.Entry<String, Long>> topErrors) {
    }

    public static Map<DropReason, ReasonSummary> survey(ClientConfigs clients, String applicationId, String droppedTopic, ReplayFilter filter,
                                                        int topErrors) {
        Map<DropReason, Tally> tallies = new EnumMap<>(DropReason.class);
        filter.reasons().forEach(r -> tallies.put(r, new Tally()));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000)), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(droppedTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(droppedTopic, p.partition())).toList();
            Map<DropReason, Map<TopicPartition, Long>> replayedUpTo = new EnumMap<>(DropReason.class);
            for (DropReason reason : filter.reasons()) {
                replayedUpTo.put(reason, committed(clients, DroppedReplayer.groupOf(applicationId, reason), partitions));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    DropReason reason = reasonOf(record);
                    if (reason == null || !tallies.containsKey(reason)) {
                        continue;
                    }
                    long droppedAt = PipelineHeaders.getLong(record.headers(), PipelineHeaders.DROPPED_AT, record.timestamp());
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= replayedUpTo.get(reason).getOrDefault(tp, 0L) && filter.inRange(droppedAt)) {
                        tallies.get(reason).add(droppedAt, PipelineHeaders.get(record.headers(), PipelineHeaders.LAST_ERROR));
                    }
                }
            }
        }
        Map<DropReason, ReasonSummary> summaries = new EnumMap<>(DropReason.class);
        tallies.forEach((reason, tally) -> summaries.put(reason, tally.summary(reason, topErrors)));
        return summaries;
    }

    private static Map<TopicPartition, Long> committed(ClientConfigs clients, String group, List<TopicPartition> partitions) {
        // A consumer with the group's id reads its committed offsets without joining it (nothing is subscribed).
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(clients.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            reader.committed(Set.copyOf(partitions)).forEach((tp, offset) -> {
                if (offset != null) {
                    offsets.put(tp, offset.offset());
                }
            });
            return offsets;
        }
    }

    private static DropReason reasonOf(ConsumerRecord<byte[], byte[]> record) {
        String name = PipelineHeaders.get(record.headers(), PipelineHeaders.DROP_REASON);
        try {
            return name == null ? null : DropReason.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static final class Tally {
        private long count;
        private long oldest = Long.MAX_VALUE;
        private long newest = Long.MIN_VALUE;
        private final Map<String, Long> errors = new HashMap<>();

        void add(long droppedAt, String error) {
            count++;
            oldest = Math.min(oldest, droppedAt);
            newest = Math.max(newest, droppedAt);
            String key = error == null ? "(no error)" : error;
            if (errors.containsKey(key) || errors.size() < MAX_DISTINCT_ERRORS) {
                errors.merge(key, 1L, Long::sum);
            } else {
                errors.merge("(other messages)", 1L, Long::sum);
            }
        }

        ReasonSummary summary(DropReason reason, int top) {
            List<Map.Entry<String, Long>> topErrors = errors.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                    .limit(top).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
            return new ReasonSummary(reason, count, count == 0 ? null : Instant.ofEpochMilli(oldest),
                    count == 0 ? null : Instant.ofEpochMilli(newest), topErrors);
        }
    }
}
