package io.backpressure.pipeline.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The lag reader's offsets must equal those of Kafka's own consumer-groups tool for the same group. */
class LagAgreesWithKafkaToolIT {

    @Test
    void committedEndAndLagMatchTheConsumerGroupsTool() throws Exception {
        String bootstrap = TestStack.get().bootstrapServers();
        String topic = "lag-" + UUID.randomUUID();
        String group = topic + "-group";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < 3; p++) {
                for (int i = 0; i < 10 * (p + 1); i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k", "v" + i)).get();
                }
            }
        }
        // Commit different positions per partition: 5 of 10, 0 of 20, all 30.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.commitSync(Map.of(
                    new TopicPartition(topic, 0), new OffsetAndMetadata(5),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(0),
                    new TopicPartition(topic, 2), new OffsetAndMetadata(30)));
        }
        List<PartitionLag> ours;
        try (LagReader reader = new LagReader(bootstrap, Clock.systemUTC())) {
            ours = reader.read(group, Set.of());
        }
        Map<Integer, long[]> theirs = runConsumerGroupsTool(bootstrap, group, topic);
        assertEquals(3, ours.size());
        assertEquals(3, theirs.size());
        for (PartitionLag row : ours) {
            long[] tool = theirs.get(row.partition());
            assertEquals(tool[0], row.committed(), "committed offset of partition " + row.partition());
            assertEquals(tool[1], row.end(), "end offset of partition " + row.partition());
            assertEquals(tool[2], row.offsetLag(), "lag of partition " + row.partition());
        }
        assertEquals(5, ours.get(0).lag());
        assertTrue(ours.get(0).timeLagMs() >= 0);
        assertEquals(0, ours.get(2).timeLagMs(), "a caught-up partition has no time lag");
    }

    /** Runs Kafka's ConsumerGroupCommand in its own JVM and parses CURRENT-OFFSET, LOG-END-OFFSET and LAG per partition. */
    private static Map<Integer, long[]> runConsumerGroupsTool(String bootstrap, String group, String topic)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "--bootstrap-server", bootstrap, "--describe", "--group", group)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "consumer-groups tool finished");
        Map<Integer, long[]> rows = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 6 && cols[1].equals(topic)) {
                rows.put(Integer.parseInt(cols[2]), new long[] {Long.parseLong(cols[3]), Long.parseLong(cols[4]), Long.parseLong(cols[5])});
            }
        }
        assertEquals(3, rows.size(), "tool output:\n" + output);
        return rows;
    }
}
