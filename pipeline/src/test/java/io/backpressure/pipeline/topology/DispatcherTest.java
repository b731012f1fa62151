package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.window.Window;
import io.backpressure.schemas.WorkRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    @Test
    void aTimedOutCallIsCancelledSoItsHandlerCanReleaseTheConnectionAndFreesItsSlot() {
        CompletableFuture<Outcome> neverAnswered = new CompletableFuture<>();
        Window window = new Window(1);
        LinkedBlockingQueue<Call> finished = new LinkedBlockingQueue<>();
        Dispatcher dispatcher = new Dispatcher((request, attempt) -> neverAnswered, window, Duration.ofMillis(20), finished,
                new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, Clock.systemUTC());
        assertTrue(window.tryAcquire());
        WorkRequest request = WorkRequest.newBuilder().setRequestId("slow").setKey("k").setPayload(ByteBuffer.allocate(0))
                .setCreatedAt(Instant.EPOCH).build();
        assertNull(dispatcher.dispatch(new Call(request, new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, 0, null,
                null)));

        Await.until("the call timed out", Duration.ofSeconds(5), () -> {
            dispatcher.expireOverdue();
            return !finished.isEmpty();
        });
        assertTrue(neverAnswered.isCancelled(), "the handler's future was cancelled");
        assertEquals("TimeoutException: no answer within 20ms",
                assertInstanceOf(Outcome.RetryableFailure.class, finished.poll().outcome()).error());
        assertEquals(0, window.inFlight());
    }
}
