package io.backpressure.pipeline.backoff;

import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retry number {@code attempt} (1 for the first retry). The jittered strategies draw from
 * {@code random} on every call, so no two requests share a schedule (unlike jitter drawn once at startup).
 *
 * <p>Use {@link #fullJitter} (the default). {@link #exponential} and {@link #none} exist only for comparison: without
 * jitter, clients that failed together retry together, in synchronized waves that hit the downstream exactly when it
 * is weakest; {@code none} also retries at once, which adds load in an overload instead of shedding it.
 */
@FunctionalInterface
public interface Backoff {

    /**
     * @param attempt  the retry number, starting at 1
     * @param previous the delay this request waited before its previous attempt; zero before the first retry
     */
    Duration delay(int attempt, Duration previous, RandomGenerator random);

    /** {@code uniform(0, min(cap, base * 2^attempt))}. */
    static Backoff fullJitter(Duration base, Duration cap) {
        return (attempt, previous, random) -> Duration.ofNanos((long) (random.nextDouble() * ceiling(base, cap, attempt)));
    }

    /** Half the exponential ceiling fixed, half jittered: {@code v/2 + uniform(0, v/2)}. */
    static Backoff equalJitter(Duration base, Duration cap) {
        return (attempt, previous, random) -> {
            double v = ceiling(base, cap, attempt);
            return Duration.ofNanos((long) (v / 2 + random.nextDouble() * v / 2));
        };
    }

    /** {@code min(cap, uniform(base, previous * 3))}, with {@code previous = base} before the first retry. */
    static Backoff decorrelatedJitter(Duration base, Duration cap) {
        return (attempt, previous, random) -> {
            double low = base.toNanos();
            double high = Math.max(low, (previous.isZero() ? base : previous).toNanos() * 3.0);
            return Duration.ofNanos((long) Math.min(cap.toNanos(), low + random.nextDouble() * (high - low)));
        };
    }

    /** {@code min(cap, base * 2^attempt)} with no jitter: for comparison only. */
    static Backoff exponential(Duration base, Duration cap) {
        return (attempt, previous, random) -> Duration.ofNanos((long) ceiling(base, cap, attempt));
    }

    /** Retry at once: for comparison only. */
    static Backoff none() {
        return (attempt, previous, random) -> Duration.ZERO;
    }

    /** {@code min(cap, base * 2^attempt)} in nanoseconds, without overflow for large attempts. */
    static double ceiling(Duration base, Duration cap, int attempt) {
        return Math.min(cap.toNanos(), base.toNanos() * Math.pow(2, Math.min(attempt, 62)));
    }

    /** The strategy named in configuration: full-jitter, equal-jitter, decorrelated-jitter, exponential or none. */
    static Backoff named(String name, Duration base, Duration cap) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "full-jitter" -> fullJitter(base, cap);
            case "equal-jitter" -> equalJitter(base, cap);
            case "decorrelated-jitter" -> decorrelatedJitter(base, cap);
            case "exponential" -> exponential(base, cap);
            case "none" -> none();
            default -> throw new IllegalArgumentException("pipeline.retry.backoff must be one of full-jitter, equal-jitter, "
                    + "decorrelated-jitter, exponential, none, was " + name);
        };
    }
}
