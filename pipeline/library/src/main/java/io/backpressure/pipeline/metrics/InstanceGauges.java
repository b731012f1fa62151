package io.backpressure.pipeline.metrics;

import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.window.Window;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Gauges read from an instance's live objects, for the command-line app and embedding applications alike: window in
 * flight, limit and capacity [pipeline_window_in_flight, pipeline_window_limit, pipeline_window_capacity], the
 * latencies the adaptive limit measures [pipeline_window_latency_seconds, pipeline_window_no_load_latency_seconds],
 * the retry budget [pipeline_retry_budget_tokens], and Kafka Streams' state [pipeline_streams_state{state}].
 */
public final class InstanceGauges {
    private InstanceGauges() {
    }

    public static void bind(MeterRegistry registry, Tags tags, Window window, RetryBudget budget) {
        Gauge.builder("pipeline.window.in.flight", window, Window::inFlight).description("handler calls in flight")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.window.capacity", window, Window::capacity).description("most handler calls in flight")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.window.limit", window, Window::limit)
                .description("handler calls allowed in flight now: the capacity, or the adaptive limit under it")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.window.latency", window, w -> w.measuredLatency().toNanos() / 1e9).baseUnit("seconds")
                .description("adaptive limit: average call latency of the last sample window (0 with a fixed window)")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.window.no.load.latency", window, w -> w.noLoadLatency().toNanos() / 1e9).baseUnit("seconds")
                .description("adaptive limit: the lowest sample window's latency lately (0 with a fixed window)")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.retry.budget.tokens", budget, RetryBudget::tokens).description("tokens left in the retry budget")
                .tags(tags).register(registry);
    }

    /** {@code pipeline_streams_state{state}}: 1 for Kafka Streams' current state, 0 for the others, for a state timeline. */
    public static void bindStreamsState(MeterRegistry registry, KafkaStreams streams) {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder("pipeline.streams.state", streams, s -> s.state() == state ? 1 : 0).tag("state", state.name())
                    .description("1 for the Kafka Streams client's current state").register(registry);
        }
    }
}
