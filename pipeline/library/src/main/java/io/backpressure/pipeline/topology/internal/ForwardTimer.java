package io.backpressure.pipeline.topology.internal;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A task's wall-clock tick for forwarding finished calls when no record arrives. Every loop in which a punctuator
 * fires, Kafka Streams halves the number of records it processes per task before it looks at the clock again, and
 * each such look costs about as much as processing dozens of records. So the tick fires as rarely as it can:
 * <ul>
 *   <li>{@value #IDLE_FACTOR} times less often while the task's records arrive and each is answered before the next
 *       ({@link #idle()}: processing them forwards everything), and every {@code interval} again as soon as a call is
 *       in flight ({@link #hurry()}) or the records stop;</li>
 *   <li>on a grid of wall-clock multiples of the interval shared by all tasks, so the ticks of a thread's tasks fire in
 *       one loop and halve the count once rather than once per task. (Forwarding only writes to Kafka, so ticks of
 *       many instances firing together load no downstream, unlike the release of retries.)</li>
 * </ul>
 */
public final class ForwardTimer {
    static final int IDLE_FACTOR = 5;

    private final ProcessorContext<?, ?> context;
    private final long intervalMillis;
    private final Runnable action;
    private Cancellable scheduled;
    private boolean idle;

    private ForwardTimer(ProcessorContext<?, ?> context, Duration interval, Runnable action) {
        this.context = context;
        this.intervalMillis = Math.max(1, interval.toMillis());
        this.action = action;
    }

    /** Starts ticking at the interval; the action decides after each tick, with {@link #idle()}, how soon the next comes. */
    public static ForwardTimer start(ProcessorContext<?, ?> context, Duration interval, Runnable action) {
        ForwardTimer timer = new ForwardTimer(context, interval, action);
        timer.schedule(false, context.currentSystemTimeMs());
        return timer;
    }

    /** The delay from {@code nowMillis} to the next multiple of {@code gridMillis}: never 0, so a tick cannot repeat at once. */
    static long delayToGrid(long nowMillis, long gridMillis) {
        return gridMillis - Math.floorMod(nowMillis, gridMillis);
    }

    /** After this tick, the next one comes {@value #IDLE_FACTOR} intervals later: records arrive and nothing is in flight. */
    public void idle() {
        idle = true;
    }

    /** A call is in flight: if the next tick is an idle one, brings it forward to the next interval. */
    public void hurry() {
        if (idle) {
            scheduled.cancel();
            schedule(false, context.currentSystemTimeMs());
        }
    }

    private void schedule(boolean idleTick, long nowMillis) {
        idle = idleTick;
        long grid = idleTick ? intervalMillis * IDLE_FACTOR : intervalMillis;
        scheduled = context.schedule(Duration.ofMillis(delayToGrid(nowMillis, grid)), PunctuationType.WALL_CLOCK_TIME, now -> {
            scheduled.cancel();
            idle = false;
            action.run();
            schedule(idle, now);
        });
    }

    public void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
        }
    }
}
