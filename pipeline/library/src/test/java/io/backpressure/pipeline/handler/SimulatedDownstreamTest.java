package io.backpressure.pipeline.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.CapacitySchedule;
import io.backpressure.pipeline.config.HandlerSettings;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedDownstreamTest {

    private static WorkRequest request(int n) {
        return WorkRequest.newBuilder().setRequestId("r-" + n).setKey("k").setPayload(ByteBuffer.allocate(0))
                .setCreatedAt(Instant.EPOCH).build();
    }

    @Test
    void recordsTheMostCallsOutstandingAtOnce() throws Exception {
        try (SimulatedDownstream downstream = new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(Duration.ofMillis(50), "fixed", 0.0, 0, 1))) {
            List<CompletableFuture<Outcome<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                calls.add(downstream.handle(request(i), 1).toCompletableFuture());
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertEquals(7, downstream.maxOutstanding());
            assertEquals(0, downstream.outstanding());
            calls.forEach(c -> assertInstanceOf(Outcome.Success.class, c.join()));
        }
    }

    @Test
    void concurrencyLimitQueuesCallsSoLatencyGrowsUnderOverload() throws Exception {
        try (SimulatedDownstream downstream = new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(Duration.ofMillis(40), "fixed", 0.0, 2, 1))) {
            long start = System.nanoTime();
            List<CompletableFuture<Outcome<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(downstream.handle(request(i), 1).toCompletableFuture());
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Two workers, six calls of 40 ms: three rounds, so at least 120 ms.
            assertTrue(elapsedMs >= 120, "elapsed " + elapsedMs + " ms");
        }
    }

    @Test
    void failureRateOneFailsEveryCallRetryably() throws Exception {
        try (SimulatedDownstream downstream = new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(Duration.ZERO, "fixed", 1.0, 0, 1))) {
            Outcome outcome = downstream.handle(request(1), 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertInstanceOf(Outcome.RetryableFailure.class, outcome);
        }
    }

    @Test
    void moreWorkersServeQueuedCallsAtOnce() {
        try (SimulatedDownstream downstream = new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(Duration.ofSeconds(10), "fixed", 0.0, 1, 1))) {
            for (int i = 0; i < 3; i++) {
                downstream.handle(request(i), 1);
            }
            assertEquals(1, downstream.serving());
            downstream.setConcurrency(3);
            assertEquals(3, downstream.serving());
        }
    }

    @Test
    void fewerWorkersRetireAsTheirCallsFinish() throws Exception {
        try (SimulatedDownstream downstream = new SimulatedDownstream(
                new HandlerSettings.SimulatedDownstream(Duration.ofMillis(100), "fixed", 0.0, 4, 1))) {
            long start = System.nanoTime();
            List<CompletableFuture<Outcome<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(downstream.handle(request(i), 1).toCompletableFuture());
            }
            downstream.setConcurrency(2);
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Four served at once, then the other four two at a time: three rounds of 100 ms (two with four workers).
            assertTrue(elapsedMs >= 300, "elapsed " + elapsedMs + " ms");
        }
    }

    @Test
    void followsItsCapacitySchedule() {
        try (SimulatedDownstream downstream = new SimulatedDownstream(new HandlerSettings.SimulatedDownstream(Duration.ofMillis(1),
                "fixed", 0.0, 5, 1, CapacitySchedule.parse("pipeline.handler.simulated.capacity-schedule", "0s:1,50ms:3")))) {
            Await.until("the second step applied", Duration.ofSeconds(5), () -> downstream.concurrency() == 3);
        }
    }
}
