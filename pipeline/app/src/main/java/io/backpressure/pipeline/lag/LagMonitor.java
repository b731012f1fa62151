package io.backpressure.pipeline.lag;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.backpressure.pipeline.config.ClientConfigs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app measuring its group's lag from committed offsets (not its fetch position, which runs ahead of commits while
 * calls are in flight), on a jittered timer, and exposing it as metrics:
 * {@code pipeline_consumer_lag_records}, {@code pipeline_consumer_lag_seconds} and {@code pipeline_consumer_lag_status}
 * (1 for the partition's current status label), per group, topic and partition. Every instance reads the whole group's
 * lag (the status page shows it), but exports only the partitions it owns, so with many instances each partition is
 * exported once and {@code sum} over instances is the group's lag. A partition no instance owns (between a member
 * leaving and the rebalance) is exported by none for that moment.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagMonitor.class);

    private final LagReader reader;
    private final String group;
    private final Set<String> topics;
    private final Duration interval;
    private final LagReport report = new LagReport(3);
    private final MultiGauge records;
    private final MultiGauge seconds;
    private final MultiGauge status;
    private final ScheduledExecutorService scheduler;
    private final SplittableRandom random = new SplittableRandom();
    private volatile List<LagReport.Row> latest = List.of();
    /** Partitions logged as STALLED, so each stall is logged once when it starts and once when it ends. */
    private final Set<String> stalled = new HashSet<>();

    private final Supplier<Set<TopicPartition>> owned;

    /** @param owned the input partitions this instance processes now (its active tasks'), read at every refresh */
    public LagMonitor(ClientConfigs clients, String group, Set<String> topics, Duration interval, MeterRegistry registry,
                      Supplier<Set<TopicPartition>> owned) {
        this.reader = new LagReader(clients, Clock.systemUTC());
        this.group = group;
        this.owned = owned;
        this.topics = topics;
        this.interval = interval;
        this.records = MultiGauge.builder("pipeline.consumer.lag.records").description("offsets not yet committed").register(registry);
        this.seconds = MultiGauge.builder("pipeline.consumer.lag.seconds").description("age of the record at the committed offset")
                .baseUnit("seconds").register(registry);
        this.status = MultiGauge.builder("pipeline.consumer.lag.status").description("1 for the partition's current status")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-lag-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        scheduleNext(0);
    }

    public List<LagReport.Row> latest() {
        return latest;
    }

    public LagStatus overall() {
        synchronized (report) {
            return latest.isEmpty() ? LagStatus.IDLE : report.overall();
        }
    }

    private void scheduleNext(long delayMillis) {
        if (!scheduler.isShutdown()) {
            scheduler.schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        try {
            List<PartitionLag> sample = reader.read(group, topics);
            List<LagReport.Row> rows;
            synchronized (report) {
                report.add(sample);
                rows = report.rows();
            }
            latest = rows;
            logStalls(rows);
            Set<TopicPartition> mine = owned.get();
            List<LagReport.Row> exported = rows.stream()
                    .filter(r -> mine.contains(new TopicPartition(r.lag().topic(), r.lag().partition()))).toList();
            records.register(exported.stream().map(r -> MultiGauge.Row.of(tags(r), r.lag().lag())).toList(), true);
            seconds.register(exported.stream().map(r -> MultiGauge.Row.of(tags(r), r.lag().timeLagMs() / 1000.0)).toList(), true);
            status.register(exported.stream().map(r -> MultiGauge.Row.of(tags(r).and("status", r.status().name()), 1)).toList(), true);
        } catch (RuntimeException e) {
            LOG.warn("could not measure lag of group {}: {}", group, e.getMessage());
        } finally {
            scheduleNext((long) (interval.toMillis() * (0.8 + 0.4 * random.nextDouble())));
        }
    }

    private void logStalls(List<LagReport.Row> rows) {
        for (LagReport.Row row : rows) {
            String partition = row.lag().topic() + "-" + row.lag().partition();
            if (row.status() == LagStatus.STALLED && stalled.add(partition)) {
                LOG.warn("partition {} STALLED: {} record(s) behind, committed offset {} unchanged since {}", partition, row.lag().lag(),
                        row.lag().committed(), Instant.ofEpochMilli(row.stalledSinceMillis()));
            } else if (row.status() != LagStatus.STALLED && stalled.remove(partition)) {
                LOG.info("partition {} is moving again ({})", partition, row.status());
            }
        }
    }

    private Tags tags(LagReport.Row row) {
        return Tags.of("group", group, "topic", row.lag().topic(), "partition", Integer.toString(row.lag().partition()));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
