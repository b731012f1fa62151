package io.backpressure.pipeline.window;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import io.backpressure.pipeline.config.WindowSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the adaptive limit named by {@code pipeline.window.limit} from Netflix's concurrency-limits, the field's
 * reference implementations of these control laws. Each law sees one measurement per sample window ({@link
 * MeasuredLimit}): single calls' latencies vary too much for a law that compares them with the no-load latency.
 */
final class ControlLaws {
    private ControlLaws() {
    }

    /** The law, wrapped so that its measurements can be read back; null for {@code fixed}. */
    static MeasuredLimit create(WindowSettings.Limit settings, int capacity, Duration handlerTimeout) {
        int initial = Math.min(settings.initial(), capacity);
        Limit law = switch (settings.algorithm()) {
            case "fixed" -> null;
            case "vegas" -> VegasLimit.newBuilder()
                    .initialLimit(initial)
                    .maxConcurrency(capacity)
                    // Vegas estimates the calls queued at the downstream as limit x (1 - no-load latency / latency) and
                    // aims to keep between alpha and beta of them there. The library's defaults (3 to 6 x log10 of the
                    // limit) assume a latency that hardly varies: with a uniform 0-40 ms service time, sampling noise
                    // alone read as 4 queued calls and the limit stalled near 40 on 100 workers (measured with bench
                    // adaptive). Shares of the limit keep the same noise below the targets at any limit.
                    .thresholdFunction(limit -> Math.max(1, limit / 10))
                    .alphaFunction(limit -> Math.max(3, limit * 15 / 100))
                    .betaFunction(limit -> Math.max(6, limit * 30 / 100))
                    // Backs off in proportion, so a halved downstream is matched in a few sample windows, not dozens.
                    .decreaseFunction(limit -> Math.max(1, limit * 0.9))
                    .build();
            case "gradient2" -> Gradient2Limit.newBuilder()
                    .initialLimit(initial)
                    .minLimit(settings.min())
                    .maxConcurrency(capacity)
                    .rttTolerance(settings.rttTolerance())
                    .build();
            case "aimd" -> AIMDLimit.newBuilder()
                    .initialLimit(initial)
                    .minLimit(settings.min())
                    .maxLimit(capacity)
                    .backoffRatio(settings.backoffRatio())
                    .timeout(handlerTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .build();
            default -> throw new IllegalArgumentException("pipeline.window.limit: no control law named " + settings.algorithm());
        };
        return law == null ? null : new MeasuredLimit(law, settings.sampleWindow().toNanos());
    }
}
