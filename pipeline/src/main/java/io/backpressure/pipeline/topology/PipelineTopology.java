package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.topology.internal.DrainHookStore;
import io.backpressure.pipeline.window.Window;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.time.Clock;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;

/**
 * The topology as a function of its inputs, separate from {@code main}, so tests drive it with TopologyTestDriver.
 *
 * <pre>
 *   input topic (raw bytes) --> work-processor --> results-sink  (WorkResult, Avro)
 *                                      |---------> dropped-sink  (original bytes + reason headers)
 * </pre>
 *
 * The processor reads raw bytes and decodes them itself, so a record that cannot be decoded is dropped with its
 * original bytes and a reason instead of stopping the application.
 */
public final class PipelineTopology {
    public static final String DRAIN_HOOK_STORE = "pipeline-drain-hook";
    static final String SOURCE = "requests-source";
    static final String PROCESSOR = "work-processor";
    /** Larger values are dropped as undecodable before decoding is attempted. */
    static final int MAX_VALUE_BYTES = 8 * 1024 * 1024;

    private PipelineTopology() {
    }

    public static Topology build(PipelineConfig config, RequestHandler handler, Window window,
                                 Deserializer<WorkRequest> requestDeserializer, Serializer<WorkResult> resultSerializer,
                                 Clock clock, long seed) {
        Router router = new Router(resultSerializer, config.topics().results(), 1, clock);
        PipelineParts parts = new PipelineParts(handler, window, requestDeserializer, router, new DropLog(clock), clock,
                config.window().handlerTimeout(), config.maxBlock(), config.window().forwardInterval(), MAX_VALUE_BYTES);
        SplittableRandom seeds = new SplittableRandom(seed);
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.topics().input());
        topology.addProcessor(PROCESSOR, () -> new WorkProcessor(parts, nextRandom(seeds)), SOURCE);
        topology.addStateStore(DrainHookStore.builder(DRAIN_HOOK_STORE), PROCESSOR);
        topology.addSink(Router.RESULTS, config.topics().results(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Router.DROPPED, config.topics().dropped(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }

    private static SplittableRandom nextRandom(SplittableRandom seeds) {
        synchronized (seeds) {
            return seeds.split();
        }
    }
}
