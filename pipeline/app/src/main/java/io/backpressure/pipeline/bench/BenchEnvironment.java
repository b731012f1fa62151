package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.topology.TopicSetup;
import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where benchmarks run: the broker and registry, fresh topic names per run, and the measurements they share. Closing
 * it deletes every topic and state directory the run created, so repeated runs do not fill the broker's disk.
 */
public final class BenchEnvironment implements AutoCloseable {
    private final String bootstrapServers;
    private final String registryUrl;
    private final Map<String, String> kafkaSettings;
    private final PrintWriter out;
    private final ClientConfigs clients;
    private final Admin admin;
    private final List<String> runIds = new ArrayList<>();

    /** @param kafkaSettings {@code kafka.*} settings the user gave, applied to every app the scenario starts */
    public BenchEnvironment(String bootstrapServers, String registryUrl, Map<String, String> kafkaSettings, PrintWriter out) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.kafkaSettings = Map.copyOf(kafkaSettings);
        this.out = out;
        Map<String, String> settings = new java.util.HashMap<>();
        kafkaSettings.forEach((name, value) -> settings.put(name.substring("kafka.".length()), value));
        this.clients = ClientConfigs.of(bootstrapServers, settings);
        this.admin = Admin.create(clients.admin(Map.of()));
    }

    /** The clients' settings: the broker's address and the user's {@code kafka.*} settings. */
    public ClientConfigs clients() {
        return clients;
    }

    public PrintWriter out() {
        return out;
    }

    /**
     * A configuration with topics and application id unique to this run. The window is fixed: the scenarios measure
     * its mechanics (Little's law, per-record cost, retries) against baselines; {@code adaptive} sets the limit itself.
     */
    public ConfigLoader config(String name, int partitions) {
        String id = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        runIds.add(id);
        ConfigLoader loader = new ConfigLoader();
        kafkaSettings.forEach(loader::set);
        return loader
                .set("pipeline.bootstrap-servers", bootstrapServers)
                .set("pipeline.schema-registry.url", registryUrl)
                .set("pipeline.application-id", id)
                .set("pipeline.state-dir", stateDir(id).toString())
                .set("pipeline.topics.input", id + "-requests")
                .set("pipeline.topics.results", id + "-results")
                .set("pipeline.topics.dropped", id + "-dropped")
                .set("pipeline.topics.partitions", Integer.toString(partitions))
                .set("pipeline.window.limit", "fixed")
                .set("pipeline.http.port", "0");
    }

    public void createTopics(int partitions, String... topics) {
        try {
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            TopicSetup.awaitLeaders(admin, List.of(topics));
        } catch (Exception e) {
            throw new IllegalStateException("could not create benchmark topics: " + e.getMessage(), e);
        }
    }

    /** Produces {@code count} requests and reports the producer's rate. */
    public void produce(String topic, long count, int partitionsHint, String idPrefix) {
        long start = System.nanoTime();
        out.printf("producing %,d requests to %s ...%n", count, topic);
        out.flush();
        new RequestProducer(clients, registryUrl, topic, Clock.systemUTC())
                .produce(new ProduceSpec(count, 0, Math.max(1000, partitionsHint), 100, null, idPrefix), n -> { });
        double s = (System.nanoTime() - start) / 1e9;
        out.printf("  produced in %.1f s (%,.0f/s)%n", s, count / s);
        out.flush();
    }

    /**
     * Reads the results and dropped topics until every id of {@code spec}'s first {@code produced} requests is
     * accounted for, or two minutes pass: a benchmark's audit after its run.
     */
    public Tally.Summary audit(PipelineConfig config, ProduceSpec spec, long produced) {
        String prefix = spec.idPrefix() + "-";
        try (OutcomeReader reader = new OutcomeReader(clients, registryUrl, config.topics().results(), config.topics().dropped(),
                id -> id.startsWith(prefix), true)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            Tally.Summary summary;
            do {
                summary = reader.poll(Duration.ofMillis(500)).summarize(produced, spec::requestId);
            } while (summary.missing() > 0 && System.nanoTime() < deadline);
            return summary;
        }
    }

    /** Sum of the topic's end offsets: records written to it so far. */
    public long endOffsets(String topic) {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("could not read end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Sum of the group's committed offsets on one topic. */
    public long committed(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("could not read committed offsets of " + group + ": " + e.getMessage(), e);
        }
    }

    /**
     * Polls {@code progress} every few milliseconds until it reaches {@code target}; returns the nanoTime of the first
     * change from zero and of reaching the target. Bounded by {@code timeout}.
     */
    public long[] timeUntil(LongSupplier progress, long target, Duration timeout, Duration pollEvery) {
        return timeUntil(progress, target, timeout, pollEvery, first -> { });
    }

    /** As {@link #timeUntil(LongSupplier, long, Duration, Duration)}, telling {@code onFirst} the first progress it sees. */
    public long[] timeUntil(LongSupplier progress, long target, Duration timeout, Duration pollEvery, LongConsumer onFirst) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long first = -1;
        long lastReport = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = progress.getAsLong();
            long t = System.nanoTime();
            if (first < 0 && now > 0) {
                first = t;
                onFirst.accept(now);
            }
            if (now >= target) {
                return new long[] {first, t};
            }
            if (t - lastReport > TimeUnit.SECONDS.toNanos(2)) {
                lastReport = t;
                out.printf("  ... %,d / %,d%n", now, target);
                out.flush();
            }
            sleep(pollEvery.toMillis());
        }
        throw new IllegalStateException("benchmark did not finish within " + timeout.toSeconds() + " s (reached "
                + progress.getAsLong() + " of " + target + ")");
    }

    /** Waits until the app's Kafka Streams client is RUNNING, so load starts against a ready app. */
    public void awaitRunning(io.backpressure.pipeline.app.PipelineApp app) {
        timeUntil(() -> app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING ? 1 : 0, 1,
                Duration.ofSeconds(60), Duration.ofMillis(50));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    private static Path stateDir(String runId) {
        return Path.of(System.getProperty("java.io.tmpdir"), "pipeline-bench", runId);
    }

    /** Deletes the topics (the run's own, their delay topics and Kafka Streams' internal ones) and state of this run. */
    private void deleteRunData() {
        try {
            List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> runIds.stream().anyMatch(t::startsWith)).toList();
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
            out.printf("deleted the run's %d topics%n", topics.size());
        } catch (Exception e) {
            out.printf("could not delete the run's topics (names start with %s): %s%n", runIds, e.getMessage());
        }
        for (String id : runIds) {
            try (var files = Files.walk(stateDir(id))) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // Nothing was written there (the scenario kept no state), or it is gone already.
            }
        }
    }

    @Override
    public void close() {
        deleteRunData();
        admin.close(Duration.ofSeconds(5));
    }
}
