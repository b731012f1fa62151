package io.backpressure.pipeline.app;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.config.LifecycleSettings;
import io.backpressure.pipeline.config.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a stream-thread failure costs. Failures caused by one record never get here: they are routed to the
 * dropped topic where they happen. What remains is transient (the registry or the broker unavailable): the thread is
 * replaced after a jittered, doubling wait, and its uncommitted records are read again. A failure loop (more than
 * {@code maxThreadReplacements} within the window) or a JVM {@link Error} stops the instance with one log line naming
 * the cause, so it neither re-runs the same records against the downstream for ever nor runs on in a broken JVM; its
 * liveness turns DOWN and its orchestrator can restart it.
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
    private static final Backoff REPLACEMENT_BACKOFF = Backoff.equalJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** Waits before a replacement; a test passes one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final LifecycleSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Sleeper sleeper;
    private final Runnable onReplacement;
    private final Deque<Long> recentFailures = new ArrayDeque<>();
    private volatile String stopCause;

    StreamThreadFailures(LifecycleSettings settings, Clock clock, RandomGenerator random, Sleeper sleeper, Runnable onReplacement) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.sleeper = sleeper;
        this.onReplacement = onReplacement;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof Error) {
            return stop("JVM error in a stream thread: " + describe(failure));
        }
        long now = clock.millis();
        recentFailures.addLast(now);
        while (now - recentFailures.peekFirst() > settings.replacementWindow().toMillis()) {
            recentFailures.removeFirst();
        }
        int failures = recentFailures.size();
        if (failures > settings.maxThreadReplacements()) {
            return stop(failures + " stream-thread failures within " + settings.replacementWindow().toSeconds()
                    + " s (pipeline.stream-thread.max-replacements=" + settings.maxThreadReplacements() + "), last: " + describe(failure));
        }
        Duration wait = REPLACEMENT_BACKOFF.delay(failures, Duration.ZERO, random);
        LOG.warn("stream thread failed ({} of {} tolerated within {} s), replacing it in {} ms: {}", failures,
                settings.maxThreadReplacements(), settings.replacementWindow().toSeconds(), wait.toMillis(), describe(failure));
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onReplacement.run();
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Why the instance stopped itself, or null while it has not. */
    String stopCause() {
        return stopCause;
    }

    private StreamThreadExceptionResponse stop(String cause) {
        stopCause = cause;
        LOG.error("stopping the instance: {}", cause);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof Error)) {
            t = t.getCause();
        }
        return t;
    }

    /** The chain of causes on one line, outermost first, bounded: Kafka's wrapper names the task, ours the reason. */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = failure; t != null && line.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (line.length() > 0) {
                line.append(" <- ");
            }
            String message = t.getMessage();
            line.append(t.getClass().getSimpleName()).append(message == null ? "" : ": " + message.replace('\n', ' '));
        }
        String redacted = Secrets.redactUrls(line.toString());
        return redacted.length() <= 500 ? redacted : redacted.substring(0, 497) + "...";
    }
}
