package io.backpressure.pipeline.embed;

import io.backpressure.pipeline.topology.TopicSetup;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.RecordHandler;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.topology.InstanceState;
import io.backpressure.pipeline.window.Window;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The pipeline added to an application's topology: what the application's Kafka Streams client needs from it, and
 * the instance's window and counters. Close it after the Kafka Streams client: that stops the thread that starts
 * calls queued for a window slot, and the handler.
 */
public final class EmbeddedPipeline implements AutoCloseable {
    private final PipelineConfig config;
    private final InstanceState instance;
    private final RecordHandler<?, ?, ?> handler;

    EmbeddedPipeline(PipelineConfig config, InstanceState instance, RecordHandler<?, ?, ?> handler) {
        this.config = config;
        this.instance = instance;
        this.handler = handler;
    }

    /**
     * Kafka Streams properties for the application: the pipeline's own (prompt retries, no task idling, its processing
     * guarantee and application id, {@code kafka.*} settings), then {@code application}'s, which win. The processing
     * guarantee must stay the one in the pipeline's settings ({@code pipeline.processing-guarantee}): how it
     * persists calls in flight depends on it.
     *
     * @throws IllegalArgumentException when {@code application} sets another processing guarantee
     */
    public Properties streamsProperties(Properties application) {
        Properties merged = config.streamsProperties();
        if (PipelineConfig.setsPollRecords(application)) {
            merged.remove(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        }
        merged.putAll(application);
        Object guarantee = merged.get("processing.guarantee");
        if (!config.kafka().guarantee().streamsName().equals(guarantee)) {
            throw new IllegalArgumentException("processing.guarantee " + guarantee + " differs from pipeline.processing-guarantee "
                    + config.kafka().guarantee().streamsName() + ": set pipeline.processing-guarantee instead");
        }
        return merged;
    }

    /**
     * Creates the pipeline's topics that are missing (the delay topics with the input's partition count) and refuses
     * existing ones with another partition count, as the command-line app does at start.
     */
    public void ensureTopics(Admin admin) {
        TopicSetup.ensure(admin, config.topics(), config.delayTopics());
    }

    /** The delay topics, one per retry: {@code <input>-retry-<attempt>}. */
    public List<String> delayTopics() {
        return config.delayTopics();
    }

    public PipelineConfig config() {
        return config;
    }

    public Window window() {
        return instance.window();
    }

    public PipelineStats stats() {
        return instance.stats();
    }

    @Override
    public void close() {
        instance.close();
        handler.close();
    }
}
