package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * How the instance survives failures of its own stream threads, and how it stops.
 *
 * @param maxThreadReplacements stream-thread failures tolerated within {@code replacementWindow}; one more stops the
 *                              instance instead of replacing the thread again (a crash loop re-runs the same records
 *                              against the downstream every time)
 * @param replacementWindow     the period those failures are counted over
 * @param shutdownGrace         how long a graceful stop (SIGTERM) may take; keep it below the container's grace period
 */
public record LifecycleSettings(int maxThreadReplacements, Duration replacementWindow, Duration shutdownGrace) {

    public LifecycleSettings {
        Check.atLeast("pipeline.stream-thread.max-replacements", maxThreadReplacements, 0);
        Check.positive("pipeline.stream-thread.replacement-window", replacementWindow);
        Check.positive("pipeline.shutdown.grace", shutdownGrace);
    }
}
