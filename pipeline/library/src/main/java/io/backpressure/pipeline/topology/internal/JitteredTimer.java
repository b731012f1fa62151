package io.backpressure.pipeline.topology.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A wall-clock punctuator whose every interval is drawn uniformly from [0.5, 1.5] x the nominal interval, so the
 * timers of many tasks and instances never fire in lock-step.
 */
public final class JitteredTimer {
    private final ProcessorContext<?, ?> context;
    private final Duration interval;
    private final RandomGenerator random;
    private final Runnable action;
    private Cancellable scheduled;

    private JitteredTimer(ProcessorContext<?, ?> context, Duration interval, RandomGenerator random, Runnable action) {
        this.context = context;
        this.interval = interval;
        this.random = random;
        this.action = action;
    }

    public static JitteredTimer start(ProcessorContext<?, ?> context, Duration interval, RandomGenerator random, Runnable action) {
        JitteredTimer timer = new JitteredTimer(context, interval, random, action);
        timer.scheduleNext();
        return timer;
    }

    /** The next interval for a uniform draw {@code u} in [0, 1): pure, so tests can check it exactly. */
    public static Duration jittered(Duration interval, double u) {
        long nanos = interval.toNanos();
        return Duration.ofNanos(Math.max(1_000_000L, (long) (nanos * (0.5 + u))));
    }

    private void scheduleNext() {
        scheduled = context.schedule(jittered(interval, random.nextDouble()), PunctuationType.WALL_CLOCK_TIME, now -> {
            scheduled.cancel();
            action.run();
            scheduleNext();
        });
    }

    public void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
        }
    }
}
