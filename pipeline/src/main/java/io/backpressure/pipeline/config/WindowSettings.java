package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * The bounded in-flight window.
 *
 * @param capacity        the most handler calls outstanding at once in this application instance
 * @param handlerTimeout  the per-attempt timeout; a call still running then frees its slot and counts as a retryable failure
 * @param forwardInterval how often finished calls are forwarded when no record arrives (jittered)
 */
public record WindowSettings(int capacity, Duration handlerTimeout, Duration forwardInterval) {

    public WindowSettings {
        Check.atLeast("pipeline.window.capacity", capacity, 1);
        Check.positive("pipeline.handler.timeout", handlerTimeout);
        Check.positive("pipeline.window.forward-interval", forwardInterval);
    }
}
