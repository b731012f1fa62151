package io.backpressure.pipeline.config;

import java.time.Duration;
import java.util.List;

/**
 * The bounded in-flight window.
 *
 * @param capacity        the most handler calls outstanding at once in this application instance: the hard cap
 * @param handlerTimeout  the per-attempt timeout; a call still running then frees its slot and counts as a retryable failure
 * @param forwardInterval how often finished calls are forwarded when no record arrives (see ForwardTimer)
 * @param limit           how many of the {@code capacity} slots may be used right now
 */
public record WindowSettings(int capacity, Duration handlerTimeout, Duration forwardInterval, Limit limit) {

    public WindowSettings {
        Check.atLeast("pipeline.window.capacity", capacity, 1);
        Check.positive("pipeline.handler.timeout", handlerTimeout);
        Check.positive("pipeline.window.forward-interval", forwardInterval);
        if (limit.min() > capacity) {
            throw new IllegalStateException("pipeline.window.limit.min=" + limit.min() + " is above pipeline.window.capacity=" + capacity
                    + ", the hard cap the limit adapts under: lower the minimum or raise the capacity");
        }
    }

    /** A window that always allows {@code capacity} calls. */
    public WindowSettings(int capacity, Duration handlerTimeout, Duration forwardInterval) {
        this(capacity, handlerTimeout, forwardInterval, Limit.FIXED);
    }

    /**
     * The limit under the hard cap: {@code fixed} (always the cap) or an adaptive control law that raises the limit
     * while call latency stays near its no-load value and lowers it when latency rises, calls time out or the
     * downstream answers 429/503.
     *
     * @param algorithm    {@code fixed}, {@code vegas}, {@code gradient2} or {@code aimd}
     * @param initial      the adaptive limit before any measurement (at most the capacity: a smaller capacity wins)
     * @param min          the adaptive limit never goes below this (at least 1)
     * @param sampleWindow calls finishing within one such period make one measurement; the limit moves once per period
     * @param backoffRatio aimd: the factor the limit is multiplied by on a timeout or 429/503
     * @param rttTolerance gradient2: how much above the long-term latency still counts as no queueing
     */
    public record Limit(String algorithm, int initial, int min, Duration sampleWindow, double backoffRatio, double rttTolerance) {
        public static final List<String> ALGORITHMS = List.of("fixed", "vegas", "gradient2", "aimd");
        public static final Limit FIXED = new Limit("fixed", 20, 1, Duration.ofMillis(100), 0.9, 1.5);

        public Limit {
            if (!ALGORITHMS.contains(algorithm)) {
                throw new IllegalArgumentException("pipeline.window.limit must be one of " + String.join(", ", ALGORITHMS) + ", was " + algorithm);
            }
            Check.atLeast("pipeline.window.limit.min", min, 1);
            Check.atLeast("pipeline.window.limit.initial", initial, min);
            // A shorter window averages too few calls to tell queueing from noise.
            if (sampleWindow.toMillis() < 100) {
                throw new IllegalArgumentException("pipeline.window.limit.sample-window must be at least 100ms, was " + Durations.format(sampleWindow));
            }
            Check.between("pipeline.window.limit.aimd.backoff-ratio", backoffRatio, 0.5, 0.99);
            Check.between("pipeline.window.limit.gradient2.rtt-tolerance", rttTolerance, 1.0, 10.0);
        }

        public boolean isFixed() {
            return algorithm.equals("fixed");
        }
    }
}
