package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.topology.internal.DrainHookStore;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.retry.RetryPolicy;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology as a function of its inputs, separate from {@code main}, so tests drive it with TopologyTestDriver.
 *
 * <pre>
 *   input topic --> work-processor ----------------> results topic  (WorkResult, Avro)
 *   delay topics -->   (timer store)   |-----------> dropped topic  (original bytes, reason headers)
 *        ^                             |
 *        +----- retryable failure -----+
 * </pre>
 * The delay topics have the input's partition count and keys, so partition p of every source is in the same task: one
 * processor per task holds that task's retries until due and calls the handler for them, so a timer entry can stay in
 * the store until its call's outcome is routed. The in-flight store holds the requests of calls a commit found still
 * running ({@code pipeline.commit.mode=persist}) until the commit that holds their outcomes.
 *
 * The processor reads raw bytes and decodes them itself, so a record that cannot be decoded is dropped with its
 * original bytes and a reason instead of stopping the application.
 */
public final class PipelineTopology {
    public static final String DRAIN_HOOK_STORE = "pipeline-drain-hook";
    static final String SOURCE = "requests-source";
    static final String PROCESSOR = "work-processor";
    static final String DELAY_SOURCE = "delay-source";
    /** Pending retries keyed by due time; persistent and changelogged so they survive a crash and move with their task. */
    public static final String TIMER_STORE = "pipeline-retry-timers";
    /** Requests of calls in flight at a commit, until the commit that holds their outcome; persistent and changelogged. */
    public static final String IN_FLIGHT_STORE = "pipeline-in-flight";
    /** Key mode: each key's head and the requests parked behind it ({@link KeyOrder}); persistent and changelogged. */
    public static final String KEY_ORDER_STORE = "pipeline-key-order";

    private PipelineTopology() {
    }

    /** The whole topology of the command-line app: the built-in envelope, on the generic core. */
    public static Topology build(PipelineConfig config, RequestHandler handler, InstanceState instance,
                                 Deserializer<WorkRequest> requestDeserializer, Serializer<WorkResult> resultSerializer,
                                 Clock clock, long seed) {
        Topology topology = new Topology();
        addTo(topology, config, Envelope.binding(handler, requestDeserializer, resultSerializer, config.retry().defaultTtl()), instance,
                clock, seed);
        return topology;
    }

    /**
     * Adds the pipeline's sources, processor, stores and sinks to {@code topology}, which may already hold the
     * application's own nodes (one pipeline per topology: the node and store names are fixed).
     */
    public static void addTo(Topology topology, PipelineConfig config, RecordBinding<?, ?, ?> binding, InstanceState instance, Clock clock,
                             long seed) {
        RetryBudget budget = instance.budget();
        PipelineStats stats = instance.stats();
        RetryPolicy policy = new RetryPolicy(config.retry(), budget);
        Router router = new Router(binding, config.topics().results(), policy, stats, clock, config.maxProducerRequestBytes());
        PipelineParts parts = new PipelineParts(config, binding, instance, policy, router, new DropLog(clock, instance.recentDrops()), clock);
        SplittableRandom seeds = new SplittableRandom(seed);
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.topics().input());
        List<String> delayTopics = config.delayTopics();
        if (delayTopics.isEmpty()) {
            topology.addProcessor(PROCESSOR, () -> new WorkProcessor(parts, nextRandom(seeds)), SOURCE);
        } else {
            topology.addSource(DELAY_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), delayTopics.toArray(String[]::new));
            topology.addProcessor(PROCESSOR, () -> new WorkProcessor(parts, nextRandom(seeds)), SOURCE, DELAY_SOURCE);
            // Caching off: a write or delete must reach the changelog in the commit it is issued for, not when a cache
            // is evicted.
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMER_STORE), Serdes.Bytes(),
                    Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        }
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IN_FLIGHT_STORE), Serdes.Long(),
                Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        if (config.ordering().byKey()) {
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(KEY_ORDER_STORE), Serdes.Bytes(),
                    Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        }
        topology.addStateStore(DrainHookStore.builder(DRAIN_HOOK_STORE), PROCESSOR);
        topology.addSink(Router.RESULTS, config.topics().results(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Router.DROPPED, config.topics().dropped(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        for (int attempt = 1; attempt < config.retry().maxAttempts(); attempt++) {
            topology.addSink(Router.delaySink(attempt), config.delayTopic(attempt), new ByteArraySerializer(), new ByteArraySerializer(),
                    PROCESSOR);
        }
    }

    private static SplittableRandom nextRandom(SplittableRandom seeds) {
        synchronized (seeds) {
            return seeds.split();
        }
    }
}
