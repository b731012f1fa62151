package io.backpressure.pipeline.app;

import io.backpressure.pipeline.health.HealthGate;
import io.backpressure.pipeline.lag.LagMonitor;
import io.backpressure.pipeline.lag.LagReport;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.topology.InstanceState;
import io.backpressure.pipeline.web.StatusSource;
import io.backpressure.pipeline.window.LimitChange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** The running app as the status server sees it. */
final class AppStatus implements StatusSource {
    /** The errors shown behind each drop reason are those of the drops in this window (at most the last 1,024). */
    private static final Duration RECENT_DROPS = Duration.ofMinutes(5);

    private final KafkaStreams streams;
    private final InstanceState instance;
    private final HealthGate health;
    private final LagMonitor lag;
    private final PrometheusMeterRegistry registry;
    private final String applicationId;

    private final RestoreProgress restores;

    AppStatus(KafkaStreams streams, InstanceState instance, HealthGate health, LagMonitor lag, PrometheusMeterRegistry registry,
              String applicationId, RestoreProgress restores) {
        this.restores = restores;
        this.streams = streams;
        this.instance = instance;
        this.health = health;
        this.lag = lag;
        this.registry = registry;
        this.applicationId = applicationId;
    }

    @Override
    public String streamsState() {
        return streams.state().name();
    }

    @Override
    public Map<String, Object> status() {
        PipelineStats stats = instance.stats();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("applicationId", applicationId);
        doc.put("state", health.paused() ? "PAUSED" : streamsState());
        doc.put("paused", health.paused());
        HealthGate.PauseInfo pause = health.pauseInfo();
        if (pause != null) {
            // Why: the failures that paused it, and how the probes are going.
            Map<String, Object> why = new LinkedHashMap<>();
            why.put("sinceMillis", pause.pausedAtMillis());
            why.put("failuresInARow", pause.failuresInARow());
            why.put("lastError", pause.lastError());
            why.put("failedProbes", pause.failedProbes());
            why.put("lastProbeError", pause.lastProbeError());
            why.put("nextProbeAtMillis", pause.nextProbeAtMillis());
            doc.put("pause", why);
        }
        doc.put("timeMillis", System.currentTimeMillis());
        doc.put("inFlight", instance.window().inFlight());
        doc.put("capacity", instance.window().capacity());
        doc.put("limit", instance.window().limit());
        doc.put("adaptive", instance.window().isAdaptive());
        doc.put("latencyMillis", instance.window().measuredLatency().toNanos() / 1e6);
        doc.put("noLoadLatencyMillis", instance.window().noLoadLatency().toNanos() / 1e6);
        LimitChange change = instance.window().lastChange();
        if (change != null) {
            Map<String, Object> moved = new LinkedHashMap<>();
            moved.put("from", change.from());
            moved.put("to", change.to());
            moved.put("cause", change.cause().name());
            moved.put("why", change.explain());
            moved.put("secondsAgo", Math.max(0, System.nanoTime() - change.atNanos()) / 1e9);
            doc.put("limitChange", moved);
        }
        doc.put("handlerCalls", stats.handlerCalls());
        doc.put("results", stats.results());
        doc.put("retriesScheduled", stats.retriesScheduled());
        doc.put("retryPending", stats.retryPending());
        doc.put("retryBudgetTokens", instance.budget().tokens());
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.name(), stats.drops(reason));
        }
        doc.put("drops", drops);
        Map<String, Object> dropErrors = new LinkedHashMap<>();
        instance.recentDrops().topErrors(System.currentTimeMillis() - RECENT_DROPS.toMillis(), 3)
                .forEach((reason, errors) -> dropErrors.put(reason.name(), errors));
        doc.put("recentDropErrors", dropErrors);
        doc.put("restoring", restores.inProgress());
        List<Map<String, Object>> partitions = new ArrayList<>();
        long totalLag = 0;
        double maxSeconds = 0;
        for (LagReport.Row row : lag.latest()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", row.lag().topic());
            p.put("partition", row.lag().partition());
            p.put("lag", row.lag().lag());
            p.put("timeLagSeconds", row.lag().timeLagMs() / 1000.0);
            p.put("status", row.status().name());
            if (row.stalledSinceMillis() != null) {
                p.put("stalledSinceMillis", row.stalledSinceMillis());
            }
            partitions.add(p);
            totalLag += row.lag().lag();
            maxSeconds = Math.max(maxSeconds, row.lag().timeLagMs() / 1000.0);
        }
        doc.put("lagStatus", lag.overall().name());
        doc.put("totalLag", totalLag);
        doc.put("maxTimeLagSeconds", maxSeconds);
        doc.put("partitions", partitions);
        return doc;
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }
}
