package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.topology.TopicSetup;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.broker.RestartableStack;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench chaos}: the pipeline in its own JVM, with retries pending all the time (30 % of calls fail), under a
 * steady load, while faults hit it in a seeded random order: SIGKILL of the app, a broker stop and restart, a registry
 * stop and restart, poison records, a downstream that hangs. It runs on a broker and a registry of its own (it stops
 * them), then audits every request id: each must be in the results or the dropped topic.
 */
final class ChaosBench {
    enum Fault {
        APP_KILL, BROKER_RESTART, REGISTRY_RESTART, POISON_RECORD, DOWNSTREAM_HANG;

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final double RATE_PER_SECOND = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration AUDIT_TIMEOUT = Duration.ofMinutes(4);

    private final RestartableStack stack;
    private final ChaosDownstream downstream;
    private final ConfigLoader loader;
    private final PipelineConfig config;
    private final SplittableRandom random;
    private final Path dir;
    private final PrintWriter out;
    private AppJvm app;
    private int poisonRecords;

    private ChaosBench(RestartableStack stack, ChaosDownstream downstream, ConfigLoader loader, SplittableRandom random, Path dir,
                       PrintWriter out) {
        this.stack = stack;
        this.downstream = downstream;
        this.loader = loader;
        this.config = loader.load();
        this.random = random;
        this.dir = dir;
        this.out = out;
    }

    static BenchResult run(String guarantee, Duration duration, long seed, Path dataDir, Map<String, String> kafkaSettings,
                           PrintWriter out) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(dataDir.toAbsolutePath()), "chaos-");
        try (RestartableStack stack = new RestartableStack(dir); ChaosDownstream downstream = new ChaosDownstream(0.3, seed)) {
            String id = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
            ChaosBench bench = new ChaosBench(stack, downstream, appConfig(id, guarantee, stack, downstream, dir, kafkaSettings),
                    new SplittableRandom(seed), dir, out);
            return bench.run(guarantee, duration, seed);
        } finally {
            deleteRecursively(dir);
        }
    }

    private BenchResult run(String guarantee, Duration duration, long seed) throws Exception {
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            TopicSetup.ensure(admin, config.topics(), config.delayTopics());
        }
        long count = (long) (RATE_PER_SECOND * duration.toSeconds());
        ProduceSpec spec = new ProduceSpec(count, RATE_PER_SECOND, 1000, 32, null, "chaos");
        out.printf("chaos: %s, %d s, seed %d; %d requests at %.0f/s, 30 %% of calls fail, faults every 4-8 s%n", guarantee,
                duration.toSeconds(), seed, count, RATE_PER_SECOND);
        out.flush();
        CompletableFuture<Long> producing = CompletableFuture.supplyAsync(() -> new RequestProducer(config.kafka().clients(),
                stack.registryUrl(), config.topics().input(), Clock.systemUTC()).produce(spec, n -> { }));
        app = AppJvm.start(loader, dir.resolve("app-1.log"));
        try {
            Map<String, Integer> byKind = injectFaults(duration);
            long produced = producing.join();
            out.printf("  faults over; %d produced, auditing every id (up to %d s)%n", produced, AUDIT_TIMEOUT.toSeconds());
            out.flush();
            Tally.Summary summary = audit(spec, produced);
            return new BenchResult("chaos")
                    .put("faults", byKind.values().stream().mapToInt(Integer::intValue).sum())
                    .put("faultsByKind", byKind)
                    .put("produced", produced)
                    .put("results", summary.results())
                    .put("dropped", summary.dropped())
                    .put("missing", summary.missing())
                    .put("duplicates", summary.duplicates())
                    .put("guarantee", guarantee)
                    .put("poisonRecords", poisonRecords)
                    .put("seed", seed)
                    .put("durationSeconds", duration.toSeconds());
        } finally {
            app.kill();
        }
    }

    /** Faults in a seeded order, each kind once per round, 4-8 s apart (jittered), until the duration is over. */
    private Map<String, Integer> injectFaults(Duration duration) throws Exception {
        Map<String, Integer> byKind = new TreeMap<>();
        List<Fault> deck = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        int n = 0;
        while (true) {
            Thread.sleep(4_000 + random.nextLong(4_001)); // the jittered gap between faults
            if (System.nanoTime() >= end) {
                return byKind;
            }
            if (deck.isEmpty()) {
                deck.addAll(List.of(Fault.values()));
                Collections.shuffle(deck, new java.util.Random(random.nextLong()));
            }
            Fault fault = deck.remove(0);
            out.printf("  t=%3d s  fault %d: %s%n", (System.nanoTime() - start) / 1_000_000_000L, ++n, fault.key());
            out.flush();
            switch (fault) {
                case APP_KILL -> {
                    app.kill();
                    app = AppJvm.start(loader, dir.resolve("app-" + (n + 1) + ".log"));
                }
                case BROKER_RESTART -> {
                    stack.stopBroker();
                    Thread.sleep(OUTAGE.toMillis());
                    stack.startBroker();
                }
                case REGISTRY_RESTART -> {
                    stack.stopRegistry();
                    Thread.sleep(OUTAGE.toMillis());
                    stack.startRegistry();
                }
                case POISON_RECORD -> poisonRecords += sendPoison();
                case DOWNSTREAM_HANG -> {
                    downstream.hang();
                    Thread.sleep(OUTAGE.toMillis() / 2);
                    downstream.recover();
                }
            }
            byKind.merge(fault.key(), 1, Integer::sum);
        }
    }

    private static ConfigLoader appConfig(String id, String guarantee, RestartableStack stack, ChaosDownstream downstream, Path dir,
                                          Map<String, String> kafkaSettings) {
        ConfigLoader loader = new ConfigLoader()
                .set("pipeline.bootstrap-servers", stack.bootstrapServers())
                .set("pipeline.schema-registry.url", stack.registryUrl())
                .set("pipeline.application-id", id)
                .set("pipeline.state-dir", dir.resolve("streams").toString())
                .set("pipeline.topics.input", id + "-requests")
                .set("pipeline.topics.results", id + "-results")
                .set("pipeline.topics.dropped", id + "-dropped")
                .set("pipeline.topics.partitions", "4")
                .set("pipeline.processing-guarantee", guarantee)
                .set("pipeline.handler.type", "http")
                .set("pipeline.handler.http.url", downstream.url())
                .set("pipeline.handler.timeout", "1s")
                .set("pipeline.window.capacity", "200")
                .set("pipeline.retry.max-attempts", "4")
                .set("pipeline.retry.base", "500ms")
                .set("pipeline.retry.cap", "4s")
                // Off, so every drop is the consequence of a fault or of the attempt limit, not of a shared budget.
                .set("pipeline.retry.budget.tokens", "0")
                .set("pipeline.http.port", "0")
                // A killed instance is noticed after the session timeout: the broker's minimum keeps restarts quick.
                .set("kafka.session.timeout.ms", "6000");
        kafkaSettings.forEach(loader::set);
        return loader;
    }

    /** Undecodable records on the input topic: each must be dropped as UNDECODABLE while the rest flows. */
    private int sendPoison() throws Exception {
        int n = 1 + random.nextInt(3);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafka().clients().producer(Map.of()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                byte[] garbage = new byte[1 + random.nextInt(64)];
                random.nextBytes(garbage);
                producer.send(new ProducerRecord<>(config.topics().input(), garbage)).get();
            }
        }
        return n;
    }

    private Tally.Summary audit(ProduceSpec spec, long produced) {
        try (OutcomeReader reader = new OutcomeReader(config.kafka().clients(), stack.registryUrl(), config.topics().results(),
                config.topics().dropped(), id -> id.startsWith("chaos-"), true)) {
            long deadline = System.nanoTime() + AUDIT_TIMEOUT.toNanos();
            long nextReport = System.nanoTime();
            Tally.Summary summary = reader.tally().summarize(produced, spec::requestId);
            while (System.nanoTime() < deadline) {
                summary = reader.poll(Duration.ofMillis(500)).summarize(produced, spec::requestId);
                if (summary.missing() == 0) {
                    reader.poll(Duration.ofSeconds(3));
                    return reader.tally().summarize(produced, spec::requestId);
                }
                if (System.nanoTime() >= nextReport) {
                    out.printf("  audit: %s%n", summary.line());
                    out.flush();
                    nextReport = System.nanoTime() + 10_000_000_000L;
                }
            }
            return summary;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
