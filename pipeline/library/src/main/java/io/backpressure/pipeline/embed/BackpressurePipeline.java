package io.backpressure.pipeline.embed;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Deadlines;
import io.backpressure.pipeline.handler.RecordHandler;
import io.backpressure.pipeline.handler.RequestIds;
import io.backpressure.pipeline.topology.InstanceState;
import io.backpressure.pipeline.topology.PipelineTopology;
import io.backpressure.pipeline.topology.RecordBinding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;

/**
 * Adds the pipeline to an application's own topology: requests are read from an input topic with the application's
 * serdes, handed to its {@link RecordHandler} within the bounded window, retried through delay topics, and answered on
 * the results topic (the input's key bytes, the handler's value written with the result serde) or the dropped topic
 * (the original bytes, the reason in headers).
 *
 * <pre>{@code
 * Topology topology = streamsBuilder.build();   // the application's own nodes, if any; an existing KStream
 *                                                // joins through the input topic: stream.to("orders")
 * EmbeddedPipeline pipeline = BackpressurePipeline.builder(Serdes.String(), orderSerde, receiptSerde)
 *         .topics("orders", "receipts", "orders-dropped")
 *         .setting("pipeline.window.capacity", "200")
 *         .handler(order -> payments.charge(order.value()).thenApply(Outcome::success))
 *         .addTo(topology);
 * KafkaStreams streams = new KafkaStreams(topology, pipeline.streamsProperties(myProperties));
 * }</pre>
 *
 * Settings are the command-line app's ({@code pipeline config} lists them) and are checked the same way: a mistake
 * names the setting and the value.
 */
public final class BackpressurePipeline {

    private BackpressurePipeline() {
    }

    public static <K, V, R> Builder<K, V, R> builder(Serde<K> keySerde, Serde<V> valueSerde, Serde<R> resultSerde) {
        return new Builder<>(keySerde, valueSerde, resultSerde);
    }

    /** Collects what the pipeline needs; {@link #addTo} wires it. */
    public static final class Builder<K, V, R> {
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;
        private final Serde<R> resultSerde;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private RecordHandler<K, V, R> handler;
        private RequestIds<K, V> requestIds = RequestIds.defaults();
        private Deadlines<K, V> deadlines;
        private MeterRegistry registry;
        private Clock clock = Clock.systemUTC();
        private long seed = System.nanoTime();

        private Builder(Serde<K> keySerde, Serde<V> valueSerde, Serde<R> resultSerde) {
            this.keySerde = Objects.requireNonNull(keySerde, "key serde");
            this.valueSerde = Objects.requireNonNull(valueSerde, "value serde");
            this.resultSerde = Objects.requireNonNull(resultSerde, "result serde");
        }

        /** The topics: {@code pipeline.topics.input}, {@code .results} and {@code .dropped}. */
        public Builder<K, V, R> topics(String input, String results, String dropped) {
            return setting("pipeline.topics.input", input).setting("pipeline.topics.results", results)
                    .setting("pipeline.topics.dropped", dropped);
        }

        /** One setting, by the name {@code pipeline config} lists ({@code pipeline.window.capacity}, {@code kafka.*}). */
        public Builder<K, V, R> setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        public Builder<K, V, R> settings(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        public Builder<K, V, R> handler(RecordHandler<K, V, R> recordHandler) {
            this.handler = recordHandler;
            return this;
        }

        /** Where the request id comes from; by default the header {@code request-id}, else the input coordinates. */
        public Builder<K, V, R> requestIds(RequestIds<K, V> source) {
            this.requestIds = Objects.requireNonNull(source, "request ids");
            return this;
        }

        /**
         * Where the deadline comes from; by default the header {@code deadline}, else {@code pipeline.retry.default-ttl}
         * after the record's timestamp.
         */
        public Builder<K, V, R> deadlines(Deadlines<K, V> source) {
            this.deadlines = Objects.requireNonNull(source, "deadlines");
            return this;
        }

        /** The registry the pipeline's meters go to; a private one when not given. */
        public Builder<K, V, R> meterRegistry(MeterRegistry meterRegistry) {
            this.registry = meterRegistry;
            return this;
        }

        /** The clock deadlines and backoff are judged by; for tests (TopologyTestDriver's mock time). */
        public Builder<K, V, R> clock(Clock testClock) {
            this.clock = Objects.requireNonNull(testClock, "clock");
            return this;
        }

        /** The seed of the backoff's jitter and the timers' draws; for tests, so a run repeats. A new one per start by default. */
        public Builder<K, V, R> seed(long testSeed) {
            this.seed = testSeed;
            return this;
        }

        /**
         * Adds the pipeline's nodes, stores and sinks to {@code topology}. One pipeline per topology.
         *
         * @throws io.backpressure.pipeline.config.ConfigurationException naming a setting that is wrong
         */
        public EmbeddedPipeline addTo(Topology topology) {
            if (handler == null) {
                throw new IllegalStateException("no handler: call handler(...) before addTo");
            }
            PipelineConfig config = new ConfigLoader().overrides(settings).load();
            RecordBinding<K, V, R> binding = RecordBinding.of(keySerde.deserializer(), valueSerde.deserializer(), resultSerde.serializer(),
                    requestIds, deadlines != null ? deadlines : Deadlines.defaults(config.retry().defaultTtl()), handler);
            InstanceState instance = InstanceState.of(config, outcome -> { }, registry != null ? registry : new SimpleMeterRegistry());
            PipelineTopology.addTo(topology, config, binding, instance, clock, seed);
            return new EmbeddedPipeline(config, instance, handler);
        }
    }
}
