package io.backpressure.pipeline.app;

import io.backpressure.pipeline.topology.TopicSetup;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Handlers;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.health.HealthGate;
import io.backpressure.pipeline.health.Probe;
import io.backpressure.pipeline.lag.LagMonitor;
import io.backpressure.pipeline.metrics.CoarseWallClock;
import io.backpressure.pipeline.metrics.InstanceGauges;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.ReleaseLateness;
import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.serde.AvroSerdes;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.pipeline.serde.DecoderLimits;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.pipeline.topology.InstanceState;
import io.backpressure.pipeline.topology.PipelineTopology;
import io.backpressure.pipeline.web.StatusServer;
import io.backpressure.pipeline.window.Window;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.StreamsException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running instance of the pipeline: its Kafka Streams client, its handler and its window. */
public final class PipelineApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    private final PipelineConfig config;
    private final RequestHandler handler;
    private final InstanceState instance;
    private final KafkaStreams streams;
    private final HealthGate health;
    private final LagMonitor lag;
    private final StatusServer server;
    private final List<KafkaStreams.StateListener> listeners;
    private final StreamThreadFailures failures;

    private PipelineApp(PipelineConfig config, RequestHandler handler, InstanceState instance, KafkaStreams streams,
                        HealthGate health, LagMonitor lag, StatusServer server, List<KafkaStreams.StateListener> listeners,
                        StreamThreadFailures failures) {
        this.failures = failures;
        this.listeners = listeners;
        this.lag = lag;
        this.server = server;
        this.config = config;
        this.handler = handler;
        this.instance = instance;
        this.streams = streams;
        this.health = health;
    }

    /** Creates missing topics, builds the topology and starts Kafka Streams. */
    public static PipelineApp start(PipelineConfig config) {
        return start(config, Handlers.create(config));
    }

    public static PipelineApp start(PipelineConfig config, RequestHandler handler) {
        if (!DecoderLimits.apply(config.decode().maxValueBytes(), config.decode().maxCollectionItems())) {
            LOG.warn("Avro's decoder limits were fixed before the pipeline started; to bound them, start the JVM with"
                    + " -Dorg.apache.avro.limits.string.maxLength=... (and bytes.maxLength, collectionItems.maxLength)");
        }
        Map<String, Object> serdeConfig = config.kafka().clients().serde(config.kafka().schemaRegistryUrl(),
                Map.of(AvroSerdes.SPECIFIC_AVRO_READER, true, AvroSerdes.REQUEST_TIMEOUT_MS, config.registryTimeout().toMillis()));
        AvroDeserializer<WorkRequest> requests = new AvroDeserializer<>();
        requests.configure(serdeConfig, false);
        AvroSerializer<WorkResult> results = new AvroSerializer<>();
        results.configure(serdeConfig, false);
        // The broker and the registry are asked at once: every part of a start counts in a rolling restart.
        CompletableFuture<Void> resultSchema = CompletableFuture.runAsync(() -> prepareResultSchema(results, config.topics().results()));
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            TopicSetup.ensure(admin, config.topics(), config.delayTopics());
        }
        try {
            resultSchema.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        StreamsHolder holder = new StreamsHolder();
        Probe probe = config.health().probeUrl().isEmpty() ? Probe.viaHandler(handler, Clock.systemUTC())
                : Probe.url(config.health().probeUrl(), config.window().handlerTimeout());
        HealthGate health = new HealthGate(config.health().pauseAfterFailures(), config.health().probeInterval(),
                config.health().maxProbeInterval(), probe, holder, System.nanoTime());
        // Every call's latency is recorded; a coarse wall time spares the timer two clock reads per call.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
                CoarseWallClock.shared());
        // Every series names its application, so one Prometheus (and one dashboard) can tell several pipelines apart.
        registry.config().commonTags("application", config.kafka().applicationId());
        InstanceState instance = InstanceState.of(config, health::record, registry);
        Topology topology = PipelineTopology.build(config, handler, instance, requests, results, Clock.systemUTC(), System.nanoTime());
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        holder.streams = streams;
        List<KafkaStreams.StateListener> listeners = new CopyOnWriteArrayList<>();
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams state {} -> {}", before, now);
            listeners.forEach(l -> l.onChange(now, before));
        });
        // A failed stream thread (for example a schema registry outage outlasting the blocking bound) is replaced after a
        // jittered wait; its uncommitted records are read again, so nothing is lost. A failure loop stops the instance.
        Counter replacements = Counter.builder("pipeline.stream.thread.replacements")
                .description("stream threads replaced after a failure").register(registry);
        StreamThreadFailures failures = new StreamThreadFailures(config.lifecycle(), Clock.systemUTC(),
                new SplittableRandom(System.nanoTime()), duration -> Thread.sleep(duration.toMillis()), replacements::increment);
        streams.setUncaughtExceptionHandler(failures);
        RestoreProgress restores = new RestoreProgress();
        streams.setGlobalStateRestoreListener(restores);
        new KafkaStreamsMetrics(streams).bindTo(registry);
        InstanceMeters.bindPaused(registry, health);
        InstanceGauges.bindStreamsState(registry, streams);
        streams.start();
        Set<String> consumed = new LinkedHashSet<>(config.delayTopics());
        consumed.add(config.topics().input());
        LagMonitor lag = new LagMonitor(config.kafka().clients(), config.kafka().applicationId(), consumed,
                config.observability().lagRefresh(), registry, () -> ownedPartitions(streams));
        lag.start();
        StatusServer server = config.observability().httpPort() == 0 ? null : StatusServer.start(config.observability().httpHost(),
                config.observability().httpPort(), new AppStatus(streams, instance, health, lag, registry, config.kafka().applicationId(), restores));
        if (server != null) {
            LOG.info("metrics, health and status page on http://{}:{}/", config.observability().httpHost(), server.port());
        }
        LOG.info("pipeline {} started: {} -> {} / {}, window {}, guarantee {}", config.kafka().applicationId(),
                config.topics().input(), config.topics().results(), config.topics().dropped(), config.window().capacity(),
                config.kafka().guarantee().streamsName());
        return new PipelineApp(config, handler, instance, streams, health, lag, server, listeners, failures);
    }

    /**
     * Registers (or looks up) the result schema before the first result, which would otherwise wait on the registry
     * mid-stream. A registry that is down now may be up by then, so that only warns; a refusal stops the start.
     */
    /** The partitions of this instance's active tasks: none while Kafka Streams is not running or rebalancing. */
    private static Set<TopicPartition> ownedPartitions(KafkaStreams streams) {
        try {
            return streams.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream()).collect(Collectors.toSet());
        } catch (StreamsException | IllegalStateException notRunning) {
            return Set.of();
        }
    }

    static void prepareResultSchema(AvroSerializer<WorkResult> results, String topic) {
        try {
            results.prepare(topic, WorkResult.getClassSchema());
        } catch (SerdeException e) {
            if (!e.retriable()) {
                throw new IllegalStateException("the schema registry refused the result schema for topic " + topic + ": " + e.getMessage(), e);
            }
            LOG.warn("could not settle the result schema for topic {} at start, will retry with the first result: {}", topic, e.getMessage());
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Window window() {
        return instance.window();
    }

    public PipelineStats stats() {
        return instance.stats();
    }

    public ReleaseLateness lateness() {
        return instance.lateness();
    }

    public RetryBudget budget() {
        return instance.budget();
    }

    /** Tells {@code listener} of every later state change of the Kafka Streams client. */
    public void onStateChange(KafkaStreams.StateListener listener) {
        listeners.add(listener);
    }

    /** The port of the status server, or -1 when it is off. */
    public int httpPort() {
        return server == null ? -1 : server.port();
    }

    /** Why the instance stopped itself after stream-thread failures, or null while it has not. */
    public String stopCause() {
        return failures.stopCause();
    }

    public HealthGate health() {
        return health;
    }

    public RequestHandler handler() {
        return handler;
    }

    public PipelineConfig config() {
        return config;
    }

    /** The health gate pauses the Kafka Streams client, which exists only after the topology is built. */
    private static final class StreamsHolder implements HealthGate.Pausable {
        private volatile KafkaStreams streams;

        @Override
        public void pause() {
            streams.pause();
        }

        @Override
        public void resume() {
            streams.resume();
        }
    }

    /**
     * A graceful stop, bounded by {@code pipeline.shutdown.grace}: Kafka Streams commits every task (calls still in
     * flight after the handover wait are persisted, or drained in drain mode), then the health probe, the lag monitor,
     * the status server, the launcher and the handler stop (the probe only now, so a paused instance is not resumed
     * while it closes). Whatever could not finish in time is not lost: its records were not committed or its requests
     * are in the in-flight store, so the next owner calls them again; retries still waiting stay in the timer store.
     */
    @Override
    public void close() {
        long waitingRetries = instance.stats().retryPending();
        // Leaving the group lets the other instances take the tasks over at once instead of after the session timeout;
        // a static member stays, so that it gets its own tasks back when it returns within that timeout.
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(config.lifecycle().resolvedInstanceId() == null
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(config.lifecycle().shutdownGrace()));
        health.close();
        lag.close();
        if (server != null) {
            server.close();
        }
        instance.close();
        handler.close();
        int inFlight = instance.window().inFlight();
        LOG.info("stopped{}: {} call(s) still in flight (their requests will be called again by the next owner), {} retries waiting in the timer store for the next start",
                closed ? "" : " after the shutdown grace of " + config.lifecycle().shutdownGrace().toSeconds() + " s ran out", inFlight,
                waitingRetries);
    }
}
