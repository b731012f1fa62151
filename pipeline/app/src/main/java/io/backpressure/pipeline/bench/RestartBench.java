package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code bench restart}: two instances (each its own JVM) under a steady load, restarted one after the other as a
 * rolling update does (SIGTERM, start again, wait until it is ready), once with dynamic and once with static group
 * membership. It reports the longest time any partition went without a result, the peak of committed-offset lag, and
 * audits every request id.
 */
final class RestartBench {
    private static final int PARTITIONS = 12;
    private static final double RATE_PER_SECOND = 500;
    private static final Duration STEADY = Duration.ofSeconds(10);

    private RestartBench() {
    }

    static BenchResult run(BenchEnvironment env) throws Exception {
        PrintWriter out = env.out();
        Map<String, Double> gaps = new LinkedHashMap<>();
        Map<String, Long> lagPeaks = new LinkedHashMap<>();
        long missing = 0;
        for (String mode : List.of("dynamic", "static")) {
            ConfigLoader shared = env.config("restart-" + mode, PARTITIONS)
                    // Commits every second, so committed-offset lag shows the restarts rather than the commit interval.
                    .set("kafka.commit.interval.ms", "1000")
                    .set("pipeline.handler.simulated.latency", "20ms")
                    .set("pipeline.handler.simulated.distribution", "fixed")
                    .set("pipeline.window.capacity", "200");
            PipelineConfig config = shared.load();
            env.createTopics(PARTITIONS, config.topics().input(), config.topics().results(), config.topics().dropped());
            out.printf("%s membership: 2 instances, %d partitions, %.0f requests/s, 20 ms downstream, window 200 each%n", mode,
                    PARTITIONS, RATE_PER_SECOND);
            out.flush();
            long[] result = rollingRestart(env, shared, config, mode.equals("static"), out);
            gaps.put(mode, result[0] / 1000.0);
            lagPeaks.put(mode, result[1]);
            missing += result[2];
        }
        return new BenchResult("restart").put("gapSeconds", gaps).put("lagPeak", lagPeaks).put("missing", missing)
                .put("partitions", PARTITIONS).put("requestsPerSecond", RATE_PER_SECOND);
    }

    /** Returns the longest per-partition gap in ms, the lag peak, and the missing ids. */
    private static long[] rollingRestart(BenchEnvironment env, ConfigLoader shared, PipelineConfig config, boolean staticMembership,
                                         PrintWriter out) throws Exception {
        // Load until the measurement ends, so no partition goes quiet for want of requests.
        ProduceSpec spec = new ProduceSpec((long) (RATE_PER_SECOND * 3600), RATE_PER_SECOND, 1000, 32, null, "restart");
        AtomicBoolean stopProducing = new AtomicBoolean();
        CompletableFuture<Long> producing = CompletableFuture.supplyAsync(() -> new RequestProducer(env.clients(),
                env.registryUrl(), config.topics().input(), Clock.systemUTC()).produce(spec, n -> { }, stopProducing::get));
        AppInstance[] instances = {new AppInstance(shared, "a", staticMembership), new AppInstance(shared, "b", staticMembership)};
        try (ResultGaps gaps = new ResultGaps(env.clients(), config.topics().results())) {
            for (AppInstance instance : instances) {
                instance.start();
            }
            for (AppInstance instance : instances) {
                instance.awaitReady();
            }
            LagSampler lag = new LagSampler(env, config);
            lag.sampleFor(STEADY);
            gaps.startMeasuring();
            for (AppInstance instance : instances) {
                long stopping = System.nanoTime();
                instance.stopGracefully();
                long starting = System.nanoTime();
                instance.start();
                instance.awaitReady();
                long ready = System.nanoTime();
                out.printf("  instance %s restarted and ready in %.1f s (stopped in %.1f s, then ready %.1f s after its start)%n",
                        instance.name(), (ready - stopping) / 1e9, (starting - stopping) / 1e9, (ready - starting) / 1e9);
                out.flush();
                lag.sampleFor(STEADY);
            }
            lag.sampleFor(STEADY);
            long longestGap = gaps.stopMeasuring();
            stopProducing.set(true);
            long produced = producing.join();
            Tally.Summary summary = env.audit(config, spec, produced);
            out.printf("  longest time a partition had no result: %.1f s; lag peak %,d records; %s%n", longestGap / 1000.0, lag.peak,
                    summary.line());
            out.flush();
            return new long[] {longestGap, lag.peak, summary.missing()};
        } finally {
            for (AppInstance instance : instances) {
                instance.kill();
            }
        }
    }

    /** Committed-offset lag of the group on the input topic, sampled twice a second; keeps the peak. */
    private static final class LagSampler {
        private final BenchEnvironment env;
        private final PipelineConfig config;
        private long peak;

        LagSampler(BenchEnvironment env, PipelineConfig config) {
            this.env = env;
            this.config = config;
        }

        void sampleFor(Duration duration) throws InterruptedException {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                String input = config.topics().input();
                peak = Math.max(peak, env.endOffsets(input) - env.committed(config.kafka().applicationId(), input));
                Thread.sleep(500);
            }
        }
    }

    /** Reads the results topic on its own thread and measures, per partition, the longest time between two results. */
    private static final class ResultGaps implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final long[] lastNanos = new long[PARTITIONS];
        private volatile boolean measuring;
        private volatile long longestNanos;
        private final Thread thread;

        ResultGaps(ClientConfigs clients, String topic) {
            consumer = new KafkaConsumer<>(clients.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<org.apache.kafka.common.TopicPartition> partitions = java.util.stream.IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new org.apache.kafka.common.TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            thread = new Thread(this::poll, "restart-bench-results");
            thread.setDaemon(true);
            thread.start();
        }

        private void poll() {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                synchronized (lastNanos) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        lastNanos[r.partition()] = now;
                    }
                    if (measuring) {
                        for (long last : lastNanos) {
                            longestNanos = Math.max(longestNanos, now - last);
                        }
                    }
                }
            }
        }

        void startMeasuring() {
            synchronized (lastNanos) {
                java.util.Arrays.fill(lastNanos, System.nanoTime());
                measuring = true;
            }
        }

        /** The longest gap in milliseconds since {@link #startMeasuring}. */
        long stopMeasuring() {
            measuring = false;
            return longestNanos / 1_000_000;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
            consumer.close();
        }
    }
}
