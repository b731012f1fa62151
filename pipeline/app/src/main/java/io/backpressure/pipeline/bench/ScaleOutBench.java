package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.audit.Tally;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench scale-out}: 1, 2 and 3 instances of one application (each its own JVM, 12 partitions) drain the same
 * backlog through a simulated downstream of 20 ms calls, window 200 per instance, so each instance can do at most
 * 10,000 requests/s. The instances start, settle and drain a warm-up quarter of the backlog first; the backlog is
 * produced after, so neither a rebalance nor a cold JVM falls into the measurement. Throughput is the results rate
 * between 10 % and 90 % of the backlog; efficiency is throughput with k instances / (k x throughput with one). While
 * the backlog drains, the lag summed over all instances' {@code /metrics} is compared with the group's
 * committed-offset lag read from Kafka around the same moments (see {@link #LAG_AGE}), and each partition must be
 * exported by exactly one instance. Every request id is audited at the end.
 */
final class ScaleOutBench {
    private static final int PARTITIONS = 12;
    private static final int MAX_INSTANCES = 3;
    private static final Duration LAG_REFRESH = Duration.ofSeconds(1);
    /**
     * How old an instance's exported lag may be: its jittered refresh (at most 1.2 x the interval) plus the refresh's
     * own reads, which on this 2-core machine with every core busy took up to 5 s (a figure 4-5 s old was seen).
     */
    private static final Duration LAG_AGE = Duration.ofSeconds(6);
    private static final Pattern INPUT_LAG = Pattern.compile("^pipeline_consumer_lag_records\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private ScaleOutBench() {
    }

    static BenchResult run(BenchEnvironment env, long records) throws Exception {
        PrintWriter out = env.out();
        List<Integer> counts = new ArrayList<>();
        List<Double> perSecond = new ArrayList<>();
        List<Double> efficiency = new ArrayList<>();
        List<Double> cpuBusy = new ArrayList<>();
        boolean lagAgrees = true;
        int lagChecks = 0;
        long missing = 0;
        for (int k = 1; k <= MAX_INSTANCES; k++) {
            Run run = drain(env, k, records, out);
            counts.add(k);
            perSecond.add(run.perSecond);
            efficiency.add(run.perSecond / (k * perSecond.get(0)));
            cpuBusy.add(Math.round(run.cpuBusy * 100) / 100.0);
            lagAgrees &= run.lagAgrees;
            lagChecks += run.lagChecks;
            missing += run.missing;
            out.printf("  %d instance(s): %,.0f results/s, efficiency %.2f, machine CPU %.0f %% busy, lag agreed in %d of %d checks,"
                    + " %d missing%n", k, run.perSecond, efficiency.get(k - 1), run.cpuBusy * 100, run.lagChecksAgreed, run.lagChecks, run.missing);
            out.flush();
        }
        lagAgrees &= lagChecks > 0;
        return new BenchResult("scale-out")
                .put("instances", counts)
                .put("perSecond", perSecond.stream().map(d -> (double) Math.round(d)).toList())
                .put("efficiency", efficiency.stream().map(d -> Math.round(d * 1000) / 1000.0).toList())
                .put("cpuBusy", cpuBusy)
                .put("lagAgrees", lagAgrees)
                .put("lagChecks", lagChecks)
                .put("missing", missing)
                .put("partitions", PARTITIONS).put("records", records).put("windowPerInstance", 200).put("downstreamLatencyMs", 20);
    }

    private record Run(double perSecond, double cpuBusy, boolean lagAgrees, int lagChecks, int lagChecksAgreed, long missing) {
    }

    private static Run drain(BenchEnvironment env, int instances, long records, PrintWriter out) throws Exception {
        ConfigLoader shared = env.config("scale-out-" + instances, PARTITIONS)
                .set("kafka.commit.interval.ms", "1000")
                .set("pipeline.handler.simulated.latency", "20ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.window.capacity", "200")
                .set("pipeline.lag.refresh-interval", LAG_REFRESH.toMillis() + "ms");
        PipelineConfig config = shared.load();
        env.createTopics(PARTITIONS, config.topics().input(), config.topics().results(), config.topics().dropped());
        out.printf("%d instance(s), %d partitions, %,d requests, 20 ms downstream, window 200 each%n", instances, PARTITIONS, records);
        out.flush();
        List<AppInstance> fleet = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            fleet.add(new AppInstance(shared, "i" + i, false));
        }
        try (KafkaLag kafkaLag = new KafkaLag(env, config)) {
            for (AppInstance instance : fleet) {
                instance.start();
            }
            for (AppInstance instance : fleet) {
                instance.awaitReady();
            }
            awaitSettled(fleet, config.topics().input());
            // Fresh JVMs compile their hot paths during their first tens of thousands of records: warm every instance
            // up with a quarter of the backlog first, so k instances are not measured colder than one.
            long warmUp = records / 4;
            new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(), Clock.systemUTC())
                    .produce(new ProduceSpec(warmUp, 0, 1000, 32, null, "warm-" + instances), n -> { });
            env.timeUntil(() -> env.endOffsets(config.topics().results()), warmUp, Duration.ofMinutes(5), Duration.ofMillis(200));
            String prefix = "scale-" + instances;
            ProduceSpec spec = new ProduceSpec(records, 0, 1000, 32, null, prefix);
            new RequestProducer(env.clients(), env.registryUrl(), config.topics().input(), Clock.systemUTC()).produce(spec, n -> { });
            kafkaLag.start();
            // The rate from the first progress sample past 10 % to the first past 90 %, with the counts those samples
            // read (a sample may come late on a loaded machine). Lag checks begin once every instance's figure was read
            // after the backlog was complete: from then on lag only falls, so an older figure lies between a Kafka
            // reading finished before it and one started after the scrape.
            String results = config.topics().results();
            long[] tenth = null;
            long[] ninetieth = null;
            long[] cpuAtTenth = null;
            long[] cpuAtNinetieth = null;
            long lastCheck = 0;
            int checks = 0;
            int agreed = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            boolean drained = false;
            while (!drained && System.nanoTime() < deadline) {
                long done = env.endOffsets(results) - warmUp;
                long now = System.nanoTime();
                if (tenth == null && done >= records / 10) {
                    tenth = new long[] {now, done};
                    cpuAtTenth = machineCpuTicks();
                }
                if (ninetieth == null && done >= records * 9 / 10) {
                    ninetieth = new long[] {now, done};
                    cpuAtNinetieth = machineCpuTicks();
                }
                drained = done >= records;
                if (!drained && kafkaLag.answeredBefore(now - LAG_AGE.toNanos()) && now - lastCheck > 1_500_000_000L) {
                    lastCheck = now;
                    checks++;
                    try {
                        long exported = exportedLag(fleet, config.topics().input());
                        if (kafkaLag.brackets(exported, now - LAG_AGE.toNanos(), System.nanoTime())) {
                            agreed++;
                        } else {
                            out.printf("  lag disagrees: instances export %,d, Kafka read %s%n", exported, kafkaLag.recent(Duration.ofSeconds(10)));
                        }
                    } catch (IllegalStateException e) {
                        out.printf("  lag disagrees: %s%n", e.getMessage());
                    }
                }
                Thread.sleep(100);
            }
            if (!drained) {
                throw new IllegalStateException(instances + " instance(s) did not drain the backlog within 5 minutes");
            }
            double perSecond = (ninetieth[1] - tenth[1]) / ((ninetieth[0] - tenth[0]) / 1e9);
            double cpuBusy = (double) (cpuAtNinetieth[0] - cpuAtTenth[0]) / Math.max(1, cpuAtNinetieth[1] - cpuAtTenth[1]);
            Tally.Summary summary = env.audit(config, spec, records);
            return new Run(perSecond, cpuBusy, agreed == checks, checks, agreed, summary.missing());
        } finally {
            for (AppInstance instance : fleet) {
                instance.kill();
            }
        }
    }

    /**
     * The machine's CPU ticks from /proc/stat: busy and total over all cores (zeros where there is no /proc). How busy
     * the machine was tells a scaling limit of the pipeline from one of the machine.
     */
    private static long[] machineCpuTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Until every input partition is exported by exactly one instance: the group has settled its assignment. */
    private static void awaitSettled(List<AppInstance> fleet, String input) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                exportedLag(fleet, input);
                return;
            } catch (IllegalStateException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the instances did not settle on one owner per partition within 60 s");
    }

    /**
     * The input topic's lag summed over every instance's /metrics; each partition must be exported exactly once, and
     * every instance must own some (else it would only wait for a probing rebalance, and measure nothing).
     */
    private static long exportedLag(List<AppInstance> fleet, String input) throws Exception {
        Set<String> partitions = new HashSet<>();
        double sum = 0;
        int owners = 0;
        for (AppInstance instance : fleet) {
            Matcher m = INPUT_LAG.matcher(instance.metrics());
            boolean owns = false;
            while (m.find()) {
                if (m.group(1).contains("topic=\"" + input + "\"")) {
                    Matcher partition = Pattern.compile("partition=\"(\\d+)\"").matcher(m.group(1));
                    if (partition.find() && !partitions.add(partition.group(1))) {
                        throw new IllegalStateException("partition " + partition.group(1) + " exported twice");
                    }
                    sum += Double.parseDouble(m.group(2));
                    owns = true;
                }
            }
            owners += owns ? 1 : 0;
        }
        if (partitions.size() != PARTITIONS) {
            throw new IllegalStateException(partitions.size() + " of " + PARTITIONS + " partitions exported");
        }
        if (owners < fleet.size()) {
            throw new IllegalStateException("only " + owners + " of " + fleet.size() + " instances own input partitions");
        }
        return (long) sum;
    }

    /** The group's committed-offset lag on the input, read from Kafka every 100 ms on a thread of its own. */
    private static final class KafkaLag implements AutoCloseable {
        /** A reading and when it was asked for and answered: the lag it found held at some moment in between. */
        private record Reading(long askedNanos, long answeredNanos, long lag) {
        }

        private final BenchEnvironment env;
        private final PipelineConfig config;
        private final ConcurrentLinkedDeque<Reading> readings = new ConcurrentLinkedDeque<>();
        private final Thread thread;
        private volatile boolean running = true;

        KafkaLag(BenchEnvironment env, PipelineConfig config) {
            this.env = env;
            this.config = config;
            this.thread = new Thread(this::read, "scale-out-kafka-lag");
            thread.setDaemon(true);
        }

        /** Call once the backlog is complete: the end offsets are read once. */
        void start() {
            thread.start();
        }

        private void read() {
            String input = config.topics().input();
            long end = env.endOffsets(input);
            while (running) {
                long asked = System.nanoTime();
                long lag = end - env.committed(config.kafka().applicationId(), input);
                readings.add(new Reading(asked, System.nanoTime(), lag));
                BenchEnvironment.sleep(100);
            }
        }

        /** Whether a reading was answered before {@code nanos}: the upper bound of a check reaching back that far. */
        boolean answeredBefore(long nanos) {
            Reading first = readings.peekFirst();
            return first != null && first.answeredNanos <= nanos;
        }

        /**
         * Whether {@code exported}, a figure read at some moment after {@code from} and before {@code to}, lies between
         * the last reading answered before {@code from} and the first asked after {@code to}; waits for that one.
         */
        boolean brackets(long exported, long from, long to) throws InterruptedException {
            Reading before = null;
            for (Reading r : readings) {
                if (r.answeredNanos <= from) {
                    before = r;
                }
            }
            Reading after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (after == null && System.nanoTime() < deadline) {
                after = readings.stream().filter(r -> r.askedNanos >= to).findFirst().orElse(null);
                Thread.sleep(20);
            }
            return before != null && after != null && after.lag <= exported && exported <= before.lag;
        }

        List<Long> recent(Duration age) {
            long from = System.nanoTime() - age.toNanos();
            return readings.stream().filter(r -> r.askedNanos >= from).map(Reading::lag).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2_000);
        }
    }
}
