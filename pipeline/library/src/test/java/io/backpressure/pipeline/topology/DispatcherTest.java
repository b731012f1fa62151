package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.WindowSettings;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.window.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    @Test
    void aTimedOutCallIsCancelledSoItsHandlerCanReleaseTheConnectionAndFreesItsSlot() {
        CompletableFuture<Outcome<byte[]>> neverAnswered = new CompletableFuture<>();
        Window window = new Window(1);
        FinishedCalls finished = new FinishedCalls();
        Dispatcher dispatcher = new Dispatcher(TestBindings.of(request -> neverAnswered), window, Duration.ofMillis(20), new CallTimeouts(), finished,
                new PipelineStats(new SimpleMeterRegistry()), outcome -> { });
        assertTrue(window.tryAcquire());
        PipelineRecord<byte[], byte[]> request = TestBindings.request("slow");
        assertNull(dispatcher.dispatch(new Call(request, new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null)));

        Await.until("the call timed out", Duration.ofSeconds(5), () -> {
            dispatcher.expireOverdue();
            return !finished.isEmpty();
        });
        assertTrue(neverAnswered.isCancelled(), "the handler's future was cancelled");
        assertEquals("TimeoutException: no answer within 20ms",
                assertInstanceOf(Outcome.RetryableFailure.class, finished.poll().outcome()).error());
        assertEquals(0, window.inFlight());
    }

    /**
     * One task's unanswered call holds the only slot; another task of the instance, waiting for a slot, must be able to
     * time it out. With expiry per task it could not, and a downstream answering nothing within the timeout left the
     * waiting task blocked until its bound failed the stream thread.
     */
    @Test
    void aTaskWaitingForASlotTimesOutAnotherTasksOverdueCall() {
        Window window = new Window(1);
        CallTimeouts timeouts = new CallTimeouts();
        FinishedCalls holderFinished = new FinishedCalls();
        Dispatcher holder = new Dispatcher(TestBindings.of(request -> new CompletableFuture<>()), window, Duration.ofMillis(20), timeouts,
                holderFinished, new PipelineStats(new SimpleMeterRegistry()), outcome -> { });
        Dispatcher waiter = new Dispatcher(TestBindings.of(request -> new CompletableFuture<>()), window, Duration.ofMillis(20), timeouts,
                new FinishedCalls(), new PipelineStats(new SimpleMeterRegistry()), outcome -> { });
        assertTrue(window.tryAcquire());
        PipelineRecord<byte[], byte[]> request = TestBindings.request("held");
        assertNull(holder.dispatch(new Call(request, new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null)));

        Await.until("the waiting task got the slot", Duration.ofSeconds(5), () -> {
            waiter.expireOverdue();
            return window.tryAcquire();
        });
        assertEquals("held", holderFinished.poll().request().requestId(), "the timed-out call went to its own task");
    }

    @Test
    void a429Or503ShrinksTheAdaptiveLimitWhileOtherFailuresDoNot() {
        Window window = Window.of(new WindowSettings(100, Duration.ofMillis(200), Duration.ofMillis(10),
                new WindowSettings.Limit("aimd", 50, 1, Duration.ofMillis(100), 0.9, 1.5)));
        Dispatcher refused = dispatcher(window, new Outcome.RetryableFailure<>("HTTP 503 from downstream", Duration.ZERO, true));
        // A sample window counts once it holds 10 calls: 20 per look.
        Await.until("the limit shrank below 50", Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 20; i++) {
                callOnce(window, refused);
            }
            return window.limit() < 50;
        });

        Window other = Window.of(new WindowSettings(100, Duration.ofMillis(200), Duration.ofMillis(10),
                new WindowSettings.Limit("aimd", 50, 1, Duration.ofMillis(100), 0.9, 1.5)));
        Dispatcher failing = dispatcher(other, new Outcome.RetryableFailure<>("HTTP 500 from downstream"));
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < until) {
            callOnce(other, failing);
        }
        assertEquals(50, other.limit(), "a 500 says nothing about the downstream's queue");
    }

    private static Dispatcher dispatcher(Window window, Outcome<byte[]> answer) {
        return new Dispatcher(TestBindings.of(request -> CompletableFuture.completedFuture(answer)), window, Duration.ofMillis(200),
                new CallTimeouts(), new FinishedCalls(), new PipelineStats(new SimpleMeterRegistry()), outcome -> { });
    }

    private static void callOnce(Window window, Dispatcher dispatcher) {
        assertTrue(window.tryAcquire());
        PipelineRecord<byte[], byte[]> request = TestBindings.request("r");
        assertNotNull(dispatcher.dispatch(new Call(request, new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null)), "answered at once");
    }
}
