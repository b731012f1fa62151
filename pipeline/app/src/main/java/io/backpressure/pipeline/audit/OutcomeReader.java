package io.backpressure.pipeline.audit;

import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.schemas.WorkResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the results and dropped topics (read-committed, so aborted transactions are not counted) from the offsets
 * they had when it was created, and tallies the request ids it sees that match a filter.
 */
public final class OutcomeReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<WorkResult> results;
    private final String resultsTopic;
    private final Predicate<String> idFilter;
    private final Tally tally = new Tally();
    /** key -> the highest request sequence number among its results so far. */
    private final Map<String, Long> lastSequenceByKey = new HashMap<>();
    private long orderViolations;

    /** @param fromStart read the topics from the beginning instead of from their current end */
    public OutcomeReader(String bootstrapServers, String registryUrl, String resultsTopic, String droppedTopic,
                         Predicate<String> idFilter, boolean fromStart) {
        this(ClientConfigs.bootstrapOnly(bootstrapServers), registryUrl, resultsTopic, droppedTopic, idFilter, fromStart);
    }

    public OutcomeReader(ClientConfigs clients, String registryUrl, String resultsTopic, String droppedTopic,
                         Predicate<String> idFilter, boolean fromStart) {
        this.consumer = new KafkaConsumer<>(clients.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.results = new AvroDeserializer<>();
        results.configure(clients.serde(registryUrl, Map.of("specific.avro.reader", true)), false);
        this.resultsTopic = resultsTopic;
        this.idFilter = idFilter;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(resultsTopic, droppedTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " does not exist (start the pipeline once to create its topics)");
            }
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        if (fromStart) {
            consumer.seekToBeginning(partitions);
        } else {
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ends.forEach(consumer::seek);
        }
    }

    /** Reads whatever has arrived, waiting at most {@code wait}; returns the running tally. */
    public Tally poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            if (record.topic().equals(resultsTopic)) {
                String id = results.deserialize(record.topic(), record.headers(), record.value()).getRequestId();
                if (idFilter.test(id)) {
                    tally.result(id);
                    if (tally.timesSeen(id) == 1) {
                        checkOrder(record.key(), id);
                    }
                }
            } else {
                String id = PipelineHeaders.get(record.headers(), PipelineHeaders.REQUEST_ID);
                if (id != null && idFilter.test(id)) {
                    tally.dropped(id);
                }
            }
        }
        return tally;
    }

    /**
     * Counts a first result of a key that comes after the first result of a later request of that key: the ids end in
     * their sequence number ({@code ProduceSpec.requestId}), and one key's results are in one partition, in write order.
     * Repeats (at_least_once after a crash) are counted by the tally, not here.
     */
    private void checkOrder(byte[] key, String id) {
        int dash = id.lastIndexOf('-');
        if (key == null || dash < 0) {
            return;
        }
        long sequence;
        try {
            sequence = Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException notProduced) {
            return;
        }
        Long before = lastSequenceByKey.put(new String(key, StandardCharsets.UTF_8), sequence);
        if (before != null && before > sequence) {
            orderViolations++;
            lastSequenceByKey.put(new String(key, StandardCharsets.UTF_8), before);
        }
    }

    /** First results read so far that went backwards within their key (see {@link #checkOrder}). */
    public long orderViolations() {
        return orderViolations;
    }

    public Tally tally() {
        return tally;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
