package io.backpressure.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Handlers;
import io.backpressure.pipeline.handler.SimulatedDownstream;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Invariant 2 on the real broker: across 8 partitions and 2 stream threads, calls in flight never exceed the window. */
class WindowBoundIT {

    @Test
    void callsInFlightNeverExceedTheWindowAcrossTasksAndThreads() {
        PipelineConfig config = ItConfig.forTest("window")
                .set("pipeline.topics.partitions", "8")
                .set("kafka.num.stream.threads", "2")
                .set("pipeline.window.capacity", "40")
                .set("pipeline.handler.simulated.latency", "20ms")
                .load();
        SimulatedDownstream downstream = (SimulatedDownstream) Handlers.create(config);
        ProduceSpec spec = new ProduceSpec(4000, 0, 400, 20, null, "win");
        try (PipelineApp app = PipelineApp.start(config, downstream);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("win-"), true)) {
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(spec, n -> { });
            Await.until("all requests done", Duration.ofSeconds(120),
                    () -> reader.poll(Duration.ofMillis(200)).results() >= spec.count());
            assertEquals(0, reader.tally().summarize(spec.count(), spec::requestId).missing());
            assertTrue(downstream.maxOutstanding() <= 40, "downstream saw " + downstream.maxOutstanding() + " calls at once");
            assertTrue(app.window().maxInFlight() <= 40, "window reported " + app.window().maxInFlight());
            // The bound was reached, so the assertion above could have failed.
            assertTrue(downstream.maxOutstanding() >= 30, "the load never filled the window: " + downstream.maxOutstanding());
        }
    }
}
