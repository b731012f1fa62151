package io.backpressure.pipeline.lag;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import io.backpressure.pipeline.config.ClientConfigs;

/**
 * Reads a consumer group's lag: committed offsets from {@code listConsumerGroupOffsets}, log ends from
 * {@code listOffsets(latest)} with read-committed isolation, and the time lag from the timestamp of the record at
 * each committed offset. The offsets are the ones Kafka's own consumer-groups tool reports.
 */
public final class LagReader implements AutoCloseable {
    private static final long TIMEOUT_S = 15;

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Clock clock;

    public LagReader(String bootstrapServers, Clock clock) {
        this(ClientConfigs.bootstrapOnly(bootstrapServers), clock);
    }

    public LagReader(ClientConfigs clients, Clock clock) {
        this.admin = Admin.create(clients.admin(Map.of()));
        this.consumer = new KafkaConsumer<>(clients.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.clock = clock;
    }

    /** Lag of every partition the group has committed offsets for, plus every partition of {@code topics}. */
    public List<PartitionLag> read(String group, Set<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<TopicPartition, Long> positions = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null) {
                    positions.put(tp, om.offset());
                }
            });
            if (!topics.isEmpty()) {
                admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values().forEach(d ->
                        d.partitions().forEach(p -> positions.putIfAbsent(new TopicPartition(d.name(), p.partition()), -1L)));
            }
            Map<TopicPartition, Long> ends = ends(positions.keySet());
            long now = clock.millis();
            List<PartitionLag> rows = new ArrayList<>();
            for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
                TopicPartition tp = e.getKey();
                long end = ends.getOrDefault(tp, 0L);
                long position = e.getValue();
                java.util.Optional<Long> timestamp = position >= 0 && position < end ? timestampAt(tp, position) : java.util.Optional.empty();
                boolean onlyMarkers = position >= 0 && position < end && timestamp.isEmpty();
                long timeLag = timestamp.map(ts -> Math.max(0, now - ts)).orElse(0L);
                rows.add(new PartitionLag(tp.topic(), tp.partition(), position, end, timeLag, onlyMarkers));
            }
            rows.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
            return rows;
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read lag of group " + group + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_S + " s while reading lag of group " + group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<TopicPartition, Long> ends(Set<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin
                .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ends = new HashMap<>();
        result.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * The timestamp of the first record at or after the offset. Empty when only transaction markers remain there:
     * under exactly-once a caught-up partition's committed offset can sit just before a marker.
     */
    private java.util.Optional<Long> timestampAt(TopicPartition tp, long offset) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                return java.util.Optional.of(record.timestamp());
            }
            if (consumer.position(tp) >= offsetEndOf(tp)) {
                break;
            }
        }
        return java.util.Optional.empty();
    }

    private long offsetEndOf(TopicPartition tp) {
        return consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
