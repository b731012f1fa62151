package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FinishedCallsTest {
    private static Call call() {
        return new Call(null, null, null, null, null, null);
    }

    @Test
    void handsCallsOverInTheOrderTheyFinished() throws InterruptedException {
        FinishedCalls finished = new FinishedCalls();
        Call first = call();
        Call second = call();
        finished.add(first);
        finished.add(second);
        assertSame(first, finished.poll());
        assertSame(second, finished.poll(TimeUnit.SECONDS.toNanos(30)));
        assertNull(finished.poll());
        assertTrue(finished.isEmpty());
    }

    @Test
    void aWaitingStreamThreadWakesWhenACallFinishesNotAfterItsWait() throws Exception {
        FinishedCalls finished = new FinishedCalls();
        Call call = call();
        Thread completer = new Thread(() -> finished.add(call));
        long started = System.nanoTime();
        completer.start();
        assertSame(call, finished.poll(TimeUnit.SECONDS.toNanos(60)));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "woken by the completion, not by the 60 s bound");
        completer.join();
    }

    @Test
    void aWaitWithNothingFinishingEndsEmptyAtItsBound() throws InterruptedException {
        assertNull(new FinishedCalls().poll(TimeUnit.MILLISECONDS.toNanos(5)));
    }
}
