package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * When to pause the whole instance because the downstream is down.
 *
 * @param pauseAfterFailures retryable failures in a row (no success between) that pause consumption; 0 turns pausing off
 * @param probeInterval      first wait before probing a paused downstream (jittered, doubles after each failed probe)
 * @param maxProbeInterval   longest wait between probes
 */
public record HealthSettings(int pauseAfterFailures, Duration probeInterval, Duration maxProbeInterval) {

    public HealthSettings {
        Check.atLeast("pipeline.health.pause-after-failures", pauseAfterFailures, 0);
        Check.positive("pipeline.health.probe-interval", probeInterval);
        Check.positive("pipeline.health.max-probe-interval", maxProbeInterval);
        if (maxProbeInterval.compareTo(probeInterval) < 0) {
            throw new IllegalStateException("pipeline.health.max-probe-interval (" + Durations.format(maxProbeInterval)
                    + ") must be >= pipeline.health.probe-interval (" + Durations.format(probeInterval) + ")");
        }
    }
}
