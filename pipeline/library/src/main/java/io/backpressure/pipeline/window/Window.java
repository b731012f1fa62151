package io.backpressure.pipeline.window;

import io.backpressure.pipeline.config.Check;
import io.backpressure.pipeline.config.WindowSettings;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bulkhead of slots, one per handler call in flight, shared by every task of one application instance. A slot is
 * taken before a call starts and given back the moment the call completes (or times out), so {@link #inFlight()} is
 * exactly the number of calls the downstream is working on for this instance. The window is work-conserving: one busy
 * task may use all of it. Tasks share it because each stream thread processes its tasks round-robin, and calls that
 * find the window full start in the order they were queued ({@code Launcher}).
 *
 * <p>How many slots there are is the {@link #limit()}: the capacity (the hard cap) with a fixed window, or what an
 * adaptive control law allows right now. The law sees every finished call; when it lowers the limit below the calls
 * already in flight, no slot is handed out until enough of them finish, so admission waits exactly as with a full
 * fixed window and the backlog stays in Kafka.
 */
public final class Window {
    private static final Logger LOG = LoggerFactory.getLogger(Window.class);
    private static final long LOG_EVERY_NANOS = 30_000_000_000L;
    private final int capacity;
    private final int minLimit;
    private final MeasuredLimit adaptive;
    /** What a refusal counts as: a call that took the whole timeout, so every law (Gradient2 ignores drops) backs off. */
    private final long refusalLatencyNanos;
    /**
     * The slots taken: a slot is free while this is below the limit. One counter for both, where a semaphore beside an
     * in-flight count cost two more atomic updates per call.
     */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** The thread waiting in {@link #awaitRoom}, and the free slots it waits for. */
    private volatile Thread roomWaiter;
    private volatile int roomWanted;
    /** The slots' total; changed only under this window's lock. */
    private volatile int limit;
    private volatile LimitChange lastChange;
    private long lastLoggedNanos = Long.MIN_VALUE;
    private int movesSinceLogged;

    public Window(int capacity) {
        this(capacity, 1, null, 0);
    }

    public static Window of(WindowSettings settings) {
        return new Window(settings.capacity(), settings.limit().min(),
                ControlLaws.create(settings.limit(), settings.capacity(), settings.handlerTimeout()), settings.handlerTimeout().toNanos());
    }

    private Window(int capacity, int minLimit, MeasuredLimit adaptive, long refusalLatencyNanos) {
        this.capacity = Check.atLeast("pipeline.window.capacity", capacity, 1);
        this.minLimit = minLimit;
        this.adaptive = adaptive;
        this.refusalLatencyNanos = refusalLatencyNanos;
        this.limit = adaptive == null ? capacity : bounded(adaptive.getLimit());
        if (adaptive != null) {
            adaptive.notifyOnChange(this::applyLimit);
        }
    }

    public boolean tryAcquire() {
        int taken;
        do {
            taken = inFlight.get();
            if (taken >= limit) {
                return false;
            }
        } while (!inFlight.compareAndSet(taken, taken + 1));
        // Read first: a write to the shared maximum on every call, new or not, was a visible part of a slot's cost.
        if (taken + 1 > maxInFlight.get()) {
            maxInFlight.accumulateAndGet(taken + 1, Math::max);
        }
        return true;
    }

    public void release() {
        int taken = inFlight.decrementAndGet();
        Thread waiter = roomWaiter;
        if (waiter != null && limit - taken >= roomWanted) {
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Waits until at least {@code wanted} slots are free, at most {@code nanos} (or until interrupted), for a single
     * waiting thread: the launcher. It then starts that many queued calls per wake-up, where waiting for one slot woke it
     * (two context switches) for every call that finished while the window was full.
     */
    public void awaitRoom(int wanted, long nanos) {
        roomWanted = wanted;
        roomWaiter = Thread.currentThread();
        try {
            // Set the waiter, then look: a release that frees the room after the look sees the waiter and unparks it.
            if (limit - inFlight.get() < wanted) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            roomWaiter = null;
        }
    }

    /**
     * Tells the limit how a call went; a fixed window ignores it.
     *
     * @param startNanos      {@link System#nanoTime()} when the call started
     * @param latencyNanos    how long it took
     * @param inFlightAtStart {@link #inFlight()} when it started
     * @param refused         it timed out, or the downstream answered that it is over capacity (429, 503)
     */
    public void onCallFinished(long startNanos, long latencyNanos, int inFlightAtStart, boolean refused) {
        if (adaptive != null) {
            long latency = refused ? Math.max(latencyNanos, refusalLatencyNanos) : Math.max(1, latencyNanos);
            adaptive.onSample(startNanos, latency, inFlightAtStart, refused);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** The calls allowed in flight now: the capacity with a fixed window, the adaptive limit (at most the capacity) otherwise. */
    public int limit() {
        return limit;
    }

    /** The adaptive limit's latest move and why; null with a fixed window or before the first move. */
    public LimitChange lastChange() {
        return lastChange;
    }

    public boolean isAdaptive() {
        return adaptive != null;
    }

    /** The latency the adaptive limit last measured (one sample window's average); 0 with a fixed window. */
    public Duration measuredLatency() {
        return adaptive == null ? Duration.ZERO : Duration.ofNanos(adaptive.lastLatencyNanos());
    }

    /** The lowest latency the adaptive limit measured lately, its idea of the no-load latency; 0 with a fixed window. */
    public Duration noLoadLatency() {
        return adaptive == null ? Duration.ZERO : Duration.ofNanos(adaptive.noLoadLatencyNanos());
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The highest {@link #inFlight()} ever seen; a test and a metric, not a control. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    private synchronized void applyLimit(int proposed) {
        int next = bounded(proposed);
        int change = next - limit;
        if (change != 0) {
            LimitChange why = adaptive.explain(limit, next);
            lastChange = why;
            logChange(why);
        }
        // Lowered below the calls in flight, it leaves fewer than zero free: those calls finish without being replaced.
        limit = next;
        Thread waiter = roomWaiter;
        if (change > 0 && waiter != null && next - inFlight.get() >= roomWanted) {
            LockSupport.unpark(waiter);
        }
    }

    /** At most one line per {@link #LOG_EVERY_NANOS}: a law moves the limit every sample window. Runs under this window's lock. */
    private void logChange(LimitChange why) {
        movesSinceLogged++;
        if (lastLoggedNanos == Long.MIN_VALUE || why.atNanos() - lastLoggedNanos >= LOG_EVERY_NANOS) {
            LOG.info("window limit {} ({} move(s) since the last line)", why.explain(), movesSinceLogged);
            lastLoggedNanos = why.atNanos();
            movesSinceLogged = 0;
        } else {
            LOG.debug("window limit {}", why.explain());
        }
    }

    private int bounded(int proposed) {
        return Math.max(minLimit, Math.min(capacity, proposed));
    }

}
