package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.replay.DroppedReplayer;
import io.backpressure.pipeline.replay.Pacer;
import io.backpressure.pipeline.replay.ReplayFilter;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.schemas.WorkResult;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench replay}: does the corrective action after an outage hurt fresh traffic? Fresh requests arrive steadily
 * at half the downstream's capacity (each with a 5 s deadline, so a fresh request kept waiting is dropped and counted);
 * after a quiet phase the drops of an earlier outage are replayed at the default pace. Fresh latency before and during
 * the replay, fresh drops, and whether every replayed request came back as a result.
 */
final class ReplayBench {
    private static final Duration DOWNSTREAM_LATENCY = Duration.ofMillis(20);
    private static final int DOWNSTREAM_WORKERS = 100;
    private static final double CAPACITY_PER_SECOND = DOWNSTREAM_WORKERS * 1000.0 / DOWNSTREAM_LATENCY.toMillis();
    /** Fresh traffic alone: the first part warms the JVM up and is not measured, the rest is the baseline. */
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    private static final Duration BEFORE = Duration.ofSeconds(30);
    private static final Duration FRESH_DEADLINE = Duration.ofSeconds(5);
    private static final int PARTITIONS = 6;

    private ReplayBench() {
    }

    static BenchResult run(BenchEnvironment env, long drops) throws Exception {
        PrintWriter out = env.out();
        double freshRate = CAPACITY_PER_SECOND / 2;
        out.printf("downstream %d workers x %d ms (%,.0f/s); fresh traffic %,.0f/s with a %s deadline; %,d drops replayed at %d/s%n",
                DOWNSTREAM_WORKERS, DOWNSTREAM_LATENCY.toMillis(), CAPACITY_PER_SECOND, freshRate, FRESH_DEADLINE.toSeconds() + " s",
                drops, Pacer.DEFAULT_PER_SECOND);
        PipelineConfig config = env.config("replay", PARTITIONS)
                .set("pipeline.handler.simulated.latency", DOWNSTREAM_LATENCY.toMillis() + "ms")
                .set("pipeline.handler.simulated.concurrency", Integer.toString(DOWNSTREAM_WORKERS))
                .set("pipeline.handler.simulated.failure-rate", "0")
                .set("pipeline.window.capacity", Integer.toString(DOWNSTREAM_WORKERS))
                // The replayed requests were created before the outage: no time-to-live of their own.
                .set("pipeline.retry.default-ttl", "0s")
                .load();
        env.createTopics(PARTITIONS, config.topics().input(), config.topics().results(), config.topics().dropped());
        writeOutageDrops(env, config, drops);

        AtomicBoolean stopFresh = new AtomicBoolean();
        long replayStart;
        long replayEnd;
        long replayed;
        try (PipelineApp app = PipelineApp.start(config)) {
            env.awaitRunning(app);
            CompletableFuture<Long> fresh = CompletableFuture.supplyAsync(() -> new RequestProducer(env.clients(), env.registryUrl(),
                    config.topics().input(), Clock.systemUTC()).produce(new ProduceSpec(Long.MAX_VALUE / 2, freshRate, 1000, 100,
                    FRESH_DEADLINE, "fresh"), n -> { }, stopFresh::get));
            BenchEnvironment.sleep(WARM_UP.plus(BEFORE).toMillis());
            out.printf("fresh traffic for %d s (the first %d s warm up); replaying ...%n", WARM_UP.plus(BEFORE).toSeconds(),
                    WARM_UP.toSeconds());
            out.flush();
            replayStart = System.currentTimeMillis();
            long[] lastLine = {System.nanoTime()};
            replayed = new DroppedReplayer(env.clients(), config.kafka().applicationId(), config.topics().dropped(), config.topics().input())
                    .replay(new ReplayFilter(Set.of(DropReason.RETRIES_EXHAUSTED), null, null), Pacer.of(Pacer.DEFAULT_PER_SECOND), p -> {
                        if (System.nanoTime() - lastLine[0] > 10_000_000_000L) {
                            lastLine[0] = System.nanoTime();
                            out.printf("  replayed %,d of %,d%n", p.replayedInAll(), drops);
                            out.flush();
                        }
                    });
            replayEnd = System.currentTimeMillis();
            BenchEnvironment.sleep(5_000);
            stopFresh.set(true);
            long freshSent = fresh.get();
            out.printf("replayed %,d in %.0f s; %,d fresh requests sent; waiting for the pipeline to finish ...%n", replayed,
                    (replayEnd - replayStart) / 1000.0, freshSent);
            out.flush();
            long expected = freshSent + replayed;
            env.timeUntil(() -> env.endOffsets(config.topics().results()) + freshDrops(env, config, null), expected, Duration.ofMinutes(2),
                    Duration.ofSeconds(1));
        }
        Latencies latencies = new Latencies();
        Set<String> replayedBack = new HashSet<>();
        readAll(env, config.topics().results(), record -> {
            WorkResult result = latencies.deserializer(env).deserialize(config.topics().results(), record.headers(), record.value());
            if (result.getRequestId().startsWith("fresh-")) {
                long completed = result.getCompletedAt().toEpochMilli();
                if (completed >= replayStart - BEFORE.toMillis()) {
                    (completed < replayStart ? latencies.before : completed <= replayEnd ? latencies.during : latencies.after)
                            .add(result.getLatencyMs());
                }
            } else {
                replayedBack.add(result.getRequestId());
            }
        });
        long freshDropped = freshDrops(env, config, "fresh-");
        double p99Before = p99(latencies.before);
        double p99During = p99(latencies.during);
        out.printf("%n%-40s %10.0f ms  (%,d results)%n", "fresh p99 before the replay", p99Before, latencies.before.size());
        out.printf("%-40s %10.0f ms  (%,d results; target <= 2x before)%n", "fresh p99 during the replay", p99During,
                latencies.during.size());
        out.printf("%-40s %,10d  (target 0)%n", "fresh requests dropped", freshDropped);
        out.printf("%-40s %,10d of %,d  (%.0f s)%n", "replayed requests answered", replayedBack.size(), drops, (replayEnd - replayStart) / 1000.0);
        return new BenchResult("replay").put("drops", drops).put("freshPerSecond", freshRate)
                .put("freshP99BeforeMs", p99Before).put("freshP99DuringMs", p99During).put("freshDropped", freshDropped)
                .put("replayed", replayed).put("replayedAnswered", replayedBack.size()).put("missing", drops - replayedBack.size())
                .put("replaySeconds", (replayEnd - replayStart) / 1000.0).put("replayPerSecond", Pacer.DEFAULT_PER_SECOND);
    }

    /** The drops of an earlier outage: requests produced to a staging topic, copied to the dropped topic with a reason. */
    private static void writeOutageDrops(BenchEnvironment env, PipelineConfig config, long drops) {
        String staging = config.topics().input() + "-outage";
        env.createTopics(PARTITIONS, staging);
        env.produce(staging, drops, PARTITIONS, "replay");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(env.clients().producer(Map.of()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            readAll(env, staging, record -> {
                RecordHeaders headers = new RecordHeaders();
                PipelineHeaders.put(headers, PipelineHeaders.DROP_REASON, DropReason.RETRIES_EXHAUSTED.name());
                PipelineHeaders.put(headers, PipelineHeaders.LAST_ERROR, "HTTP 503 from downstream");
                PipelineHeaders.put(headers, PipelineHeaders.DROPPED_AT, now);
                producer.send(new ProducerRecord<>(config.topics().dropped(), record.partition(), record.timestamp(), record.key(),
                        record.value(), headers));
            });
        }
    }

    /** Drops of the run whose request id starts with {@code prefix} (all drops the pipeline wrote when null). */
    private static long freshDrops(BenchEnvironment env, PipelineConfig config, String prefix) {
        long[] count = {0};
        readAll(env, config.topics().dropped(), record -> {
            String id = PipelineHeaders.get(record.headers(), PipelineHeaders.REQUEST_ID);
            if (id != null && (prefix == null || id.startsWith(prefix))) {
                count[0]++;
            }
        });
        return count[0];
    }

    private static void readAll(BenchEnvironment env, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(env.clients().consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    private static double p99(List<Long> latencies) {
        if (latencies.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
    }

    /** Fresh requests' end-to-end latencies by when they completed: in the baseline before, during or after the replay. */
    private static final class Latencies {
        final List<Long> before = new ArrayList<>();
        final List<Long> during = new ArrayList<>();
        final List<Long> after = new ArrayList<>();
        private AvroDeserializer<WorkResult> deserializer;

        AvroDeserializer<WorkResult> deserializer(BenchEnvironment env) {
            if (deserializer == null) {
                deserializer = new AvroDeserializer<>(WorkResult.class);
                deserializer.configure(env.clients().serde(env.registryUrl(), Map.of()), false);
            }
            return deserializer;
        }
    }
}
