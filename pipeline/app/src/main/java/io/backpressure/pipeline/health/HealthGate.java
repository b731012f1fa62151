package io.backpressure.pipeline.health;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches call outcomes. After {@code pauseAfter} retryable failures in a row (time-outs included) with no success
 * between them, it pauses the whole instance, so requests wait in Kafka instead of burning attempts against a
 * downstream that is down. While paused it probes the downstream ({@link Probe}) after a jittered interval that
 * doubles up to a maximum, and resumes on the first probe that finds it healthy. Pausing and resuming are idempotent and
 * logged once per transition; the hysteresis is that a pause needs a long run of failures, a resume a real success.
 */
public final class HealthGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthGate.class);

    /** What the gate pauses: in the app, the Kafka Streams client. */
    public interface Pausable {
        void pause();

        void resume();
    }

    private final int pauseAfter;
    private final Duration probeInterval;
    private final Duration maxProbeInterval;
    private final Probe probe;
    private final Pausable target;
    private final SplittableRandom random;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong probes = new AtomicLong();
    private boolean paused;
    private Duration nextInterval;
    /** Why the instance is paused, while it is; null otherwise. */
    private PauseInfo pauseInfo;

    /**
     * Why the instance is paused, for the status page and {@code /api/status}.
     *
     * @param failuresInARow  retryable failures in a row that paused it
     * @param lastError       the error of the last of them
     * @param failedProbes    probes since, all failed
     * @param lastProbeError  why the last probe failed; null before the first
     * @param nextProbeAtMillis epoch millis of the next probe
     */
    public record PauseInfo(long pausedAtMillis, int failuresInARow, String lastError, long failedProbes, String lastProbeError,
                            long nextProbeAtMillis) {
    }

    public HealthGate(int pauseAfter, Duration probeInterval, Duration maxProbeInterval, Probe probe, Pausable target, long seed) {
        this.pauseAfter = pauseAfter;
        this.probeInterval = probeInterval;
        this.maxProbeInterval = maxProbeInterval;
        this.probe = probe;
        this.target = target;
        this.random = new SplittableRandom(seed);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-health-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Called with every finished call's outcome, on whatever thread finished it. */
    public void record(Outcome<?> outcome) {
        if (pauseAfter <= 0) {
            return;
        }
        if (outcome instanceof Outcome.Success<?>) {
            // Every call lands here: read first, so a run of successes writes (and fences) nothing.
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
        } else if (outcome instanceof Outcome.RetryableFailure<?> failure
                && consecutiveFailures.incrementAndGet() >= pauseAfter) {
            pause(failure.error());
        }
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** Why the instance is paused; null when it is not. */
    public synchronized PauseInfo pauseInfo() {
        return pauseInfo;
    }

    private synchronized void pause(String lastError) {
        if (paused) {
            return;
        }
        paused = true;
        nextInterval = probeInterval;
        pauseInfo = new PauseInfo(System.currentTimeMillis(), consecutiveFailures.get(), lastError, 0, null, 0);
        LOG.warn("downstream unhealthy ({} failures in a row, last: {}): pausing consumption, probing every ~{} ms",
                consecutiveFailures.get(), lastError, probeInterval.toMillis());
        target.pause();
        scheduleProbe();
    }

    private synchronized void scheduleProbe() {
        long delay = (long) (nextInterval.toMillis() * (0.5 + random.nextDouble()));
        PauseInfo p = pauseInfo;
        pauseInfo = new PauseInfo(p.pausedAtMillis(), p.failuresInARow(), p.lastError(), p.failedProbes(), p.lastProbeError(),
                System.currentTimeMillis() + delay);
        nextInterval = nextInterval.multipliedBy(2).compareTo(maxProbeInterval) > 0 ? maxProbeInterval : nextInterval.multipliedBy(2);
        scheduler.schedule(this::probe, delay, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        probes.incrementAndGet();
        probe.probe().toCompletableFuture().orTimeout(maxProbeInterval.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((outcome, failure) -> {
                    if (Probe.healthy(outcome, failure)) {
                        resume();
                    } else {
                        probeFailed(failure != null ? FailureClassifier.describe(failure)
                                : outcome instanceof Outcome.RetryableFailure<?> f ? f.error() : "no answer");
                    }
                });
    }

    private synchronized void probeFailed(String error) {
        if (!paused) {
            return;
        }
        PauseInfo p = pauseInfo;
        pauseInfo = new PauseInfo(p.pausedAtMillis(), p.failuresInARow(), p.lastError(), p.failedProbes() + 1, error, 0);
        scheduleProbe();
        LOG.warn("still paused: probe {} failed ({}); next probe in ~{} ms", pauseInfo.failedProbes(), error,
                Math.max(0, pauseInfo.nextProbeAtMillis() - System.currentTimeMillis()));
    }

    private synchronized void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        pauseInfo = null;
        consecutiveFailures.set(0);
        LOG.info("downstream healthy again (a probe found it up): resuming consumption");
        target.resume();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
