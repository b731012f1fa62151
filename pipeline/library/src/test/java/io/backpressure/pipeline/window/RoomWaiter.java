package io.backpressure.pipeline.window;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The launcher's part in a window test: a thread waiting in {@link Window#awaitRoom} with a 30 s bound. */
final class RoomWaiter {
    private final CountDownLatch woken = new CountDownLatch(1);
    private final Thread thread;

    private RoomWaiter(Window window, int wanted) {
        thread = new Thread(() -> {
            window.awaitRoom(wanted, TimeUnit.SECONDS.toNanos(30));
            woken.countDown();
        });
    }

    /** Starts waiting for {@code wanted} free slots, and returns once the thread is parked (at most 10 s). */
    static RoomWaiter waitingFor(Window window, int wanted) {
        RoomWaiter waiter = new RoomWaiter(window, wanted);
        waiter.thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.thread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return waiter;
    }

    /** Whether the wait ended within 10 s, well before its own 30 s bound; joins the thread if it did. */
    boolean wokenSoon() throws InterruptedException {
        boolean woke = woken.await(10, TimeUnit.SECONDS);
        if (woke) {
            thread.join();
        }
        return woke;
    }
}
