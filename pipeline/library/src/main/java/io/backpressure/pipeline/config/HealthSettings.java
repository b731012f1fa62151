package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * When to pause the whole instance because the downstream is down.
 *
 * @param pauseAfterFailures retryable failures in a row (no success between) that pause consumption; 0 turns pausing off
 * @param probeInterval      first wait before probing a paused downstream (jittered, doubles after each failed probe)
 * @param maxProbeInterval   longest wait between probes
 * @param probeUrl           a URL to GET as the probe (the downstream's own health endpoint); empty to probe by calling
 *                           the handler with an empty request
 */
public record HealthSettings(int pauseAfterFailures, Duration probeInterval, Duration maxProbeInterval, String probeUrl) {

    public HealthSettings {
        Check.atLeast("pipeline.health.pause-after-failures", pauseAfterFailures, 0);
        Check.positive("pipeline.health.probe-interval", probeInterval);
        Check.positive("pipeline.health.max-probe-interval", maxProbeInterval);
        if (!probeUrl.isEmpty() && !probeUrl.startsWith("http://") && !probeUrl.startsWith("https://")) {
            throw new IllegalArgumentException("pipeline.health.probe-url must be an http:// or https:// URL or empty, was " + probeUrl);
        }
        if (maxProbeInterval.compareTo(probeInterval) < 0) {
            throw new IllegalStateException("pipeline.health.max-probe-interval (" + Durations.format(maxProbeInterval)
                    + ") must be >= pipeline.health.probe-interval (" + Durations.format(probeInterval) + ")");
        }
    }
}
