package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    @Test
    void aTimedOutCallIsCancelledSoItsHandlerCanReleaseTheConnectionAndFreesItsSlot() {
        CompletableFuture<Outcome<byte[]>> neverAnswered = new CompletableFuture<>();
        Window window = new Window(1);
        FinishedCalls finished = new FinishedCalls();
        Dispatcher dispatcher = new Dispatcher(TestBindings.of(request -> neverAnswered), window, Duration.ofMillis(20), new CallTimeouts(), finished,
                new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, () -> false, new Launcher(1, window, new CallTimeouts()), Clock.systemUTC());
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
                holderFinished, new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, () -> false, new Launcher(1, window, new CallTimeouts()), Clock.systemUTC());
        Dispatcher waiter = new Dispatcher(TestBindings.of(request -> new CompletableFuture<>()), window, Duration.ofMillis(20), timeouts,
                new FinishedCalls(), new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, () -> false, new Launcher(1, window, new CallTimeouts()), Clock.systemUTC());
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

    /**
     * Key mode's hand-off: an answer starts the follower at once, in the same slot, and is queued before it; a retryable
     * failure starts nothing (the retry policy, on the stream thread, decides what comes next) and frees its slot.
     */
    @Test
    void anAnswerStartsItsFollowerInItsOwnSlotAndAFailureDoesNot() {
        Window window = new Window(2);
        FinishedCalls finished = new FinishedCalls();
        Map<String, CompletableFuture<Outcome<byte[]>>> pending = new ConcurrentHashMap<>();
        Dispatcher dispatcher = pendingCalls(window, finished, pending, true);
        Call head = call("head");
        Call follower = call("follower");
        Call afterFollower = call("after");
        assertTrue(head.follow(follower));
        assertTrue(follower.follow(afterFollower));
        assertTrue(window.tryAcquire());
        assertNull(dispatcher.dispatch(head));

        pending.get("head").complete(Outcome.success(new byte[0]));
        assertTrue(pending.containsKey("follower"), "the answer started the follower");
        assertEquals(1, window.inFlight(), "in the head's slot");
        Call first = finished.poll();
        assertEquals("head", first.request().requestId(), "the head is queued before its follower can finish");
        assertEquals(follower, first.handedOff());
        assertFalse(head.follow(call("late")), "a finished call takes no follower any more");

        pending.get("follower").complete(Outcome.retryable("busy"));
        assertFalse(pending.containsKey("after"), "a retryable failure starts nothing");
        assertNull(finished.poll().handedOff());
        assertEquals(0, window.inFlight());
    }

    /** With hand-offs off (calls wait for a slot, or the task is leaving), an answer frees its slot and starts nothing. */
    @Test
    void withHandOffsOffAnAnswerFreesItsSlotAndStartsNothing() {
        Window window = new Window(1);
        FinishedCalls finished = new FinishedCalls();
        Map<String, CompletableFuture<Outcome<byte[]>>> pending = new ConcurrentHashMap<>();
        Dispatcher dispatcher = pendingCalls(window, finished, pending, false);
        Call head = call("head");
        assertTrue(head.follow(call("follower")));
        assertTrue(window.tryAcquire());
        assertNull(dispatcher.dispatch(head));

        pending.get("head").complete(Outcome.success(new byte[0]));
        assertFalse(pending.containsKey("follower"));
        assertNull(finished.poll().handedOff());
        assertEquals(0, window.inFlight(), "the slot is free for whichever call waits first");
    }

    /**
     * With the window full and calls waiting for a slot, a finished call passes its slot to the oldest waiting call on the
     * thread that finished it, without the slot going back to the window (where the launcher would have to wake to take
     * it): here the test's own thread, inside {@code complete}.
     */
    @Test
    void whileCallsWaitAFinishedCallStartsTheOldestOfThemInItsSlotOnItsOwnThread() throws InterruptedException {
        Window window = new Window(1);
        CallTimeouts timeouts = new CallTimeouts();
        Launcher launcher = new Launcher(4, window, timeouts);
        FinishedCalls finished = new FinishedCalls();
        Map<String, CompletableFuture<Outcome<byte[]>>> pending = new ConcurrentHashMap<>();
        Map<String, Thread> calledOn = new ConcurrentHashMap<>();
        Dispatcher dispatcher = new Dispatcher(TestBindings.of(request -> {
            calledOn.put(request.requestId(), Thread.currentThread());
            return pending.computeIfAbsent(request.requestId(), id -> new CompletableFuture<>());
        }), window, Duration.ofSeconds(5), timeouts, finished, new PipelineStats(new SimpleMeterRegistry()), outcome -> { },
                () -> false, launcher, Clock.systemUTC());
        Launcher.Lane lane = new Launcher.Lane(dispatcher, finished, () -> true);
        try {
            assertTrue(window.tryAcquire());
            assertNull(dispatcher.dispatch(call("first")));
            assertTrue(launcher.offer(lane, call("second"), Duration.ofSeconds(5).toNanos(), () -> { }));
            assertTrue(launcher.offer(lane, call("third"), Duration.ofSeconds(5).toNanos(), () -> { }));

            pending.get("first").complete(Outcome.success(new byte[0]));
            assertEquals(Thread.currentThread(), calledOn.get("second"), "the oldest waiting call started on the finishing thread");
            assertFalse(calledOn.containsKey("third"), "one slot, one call");
            pending.get("second").complete(Outcome.success(new byte[0]));
            assertEquals(Thread.currentThread(), calledOn.get("third"));
            assertEquals(1, window.inFlight());

            pending.get("third").complete(Outcome.success(new byte[0]));
            assertEquals(0, window.inFlight(), "with nothing waiting, the slot went back to the window");
            assertTrue(launcher.isIdle());
            assertEquals(java.util.List.of("first", "second", "third"),
                    java.util.stream.Stream.generate(finished::poll).limit(3).map(c -> c.request().requestId()).toList());
        } finally {
            launcher.close();
        }
    }

    /** A dispatcher whose calls wait in {@code pending}, by request id, for the test to answer them. */
    private static Dispatcher pendingCalls(Window window, FinishedCalls finished, Map<String, CompletableFuture<Outcome<byte[]>>> pending,
                                           boolean handOffs) {
        return new Dispatcher(TestBindings.of(request -> pending.computeIfAbsent(request.requestId(), id -> new CompletableFuture<>())),
                window, Duration.ofSeconds(5), new CallTimeouts(), finished, new PipelineStats(new SimpleMeterRegistry()), outcome -> { },
                () -> handOffs, new Launcher(1, window, new CallTimeouts()), Clock.systemUTC());
    }

    private static Call call(String id) {
        return new Call(TestBindings.request(id), new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null);
    }

    private static Dispatcher dispatcher(Window window, Outcome<byte[]> answer) {
        return new Dispatcher(TestBindings.of(request -> CompletableFuture.completedFuture(answer)), window, Duration.ofMillis(200),
                new CallTimeouts(), new FinishedCalls(), new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, () -> false, new Launcher(1, window, new CallTimeouts()), Clock.systemUTC());
    }

    private static void callOnce(Window window, Dispatcher dispatcher) {
        assertTrue(window.tryAcquire());
        PipelineRecord<byte[], byte[]> request = TestBindings.request("r");
        assertNotNull(dispatcher.dispatch(new Call(request, new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null)), "answered at once");
    }
}
