package io.backpressure.pipeline.backoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(10);
    private static final int DRAWS = 20_000;
    /** Kolmogorov-Smirnov critical value at alpha = 0.001 for n draws. */
    private static final double KS_CRITICAL = 1.95 / Math.sqrt(DRAWS);

    /** A generator that always draws the same value: the jitter arithmetic is then exact. */
    private static RandomGenerator fixed(double u) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return u;
            }
        };
    }

    @Test
    void fullJitterExactValues() {
        Backoff b = Backoff.fullJitter(BASE, CAP);
        assertEquals(Duration.ZERO, b.delay(1, Duration.ZERO, fixed(0.0)));
        assertEquals(Duration.ofMillis(100), b.delay(1, Duration.ZERO, fixed(0.5)));   // ceiling 200 ms
        assertEquals(Duration.ofMillis(600), b.delay(3, Duration.ZERO, fixed(0.75)));  // ceiling 800 ms
        assertEquals(Duration.ofSeconds(5), b.delay(20, Duration.ZERO, fixed(0.5)));   // capped at 10 s
    }

    @Test
    void equalJitterExactValues() {
        Backoff b = Backoff.equalJitter(BASE, CAP);
        assertEquals(Duration.ofMillis(400), b.delay(3, Duration.ZERO, fixed(0.0)));
        assertEquals(Duration.ofMillis(600), b.delay(3, Duration.ZERO, fixed(0.5)));
    }

    @Test
    void decorrelatedJitterExactValues() {
        Backoff b = Backoff.decorrelatedJitter(BASE, CAP);
        assertEquals(Duration.ofMillis(200), b.delay(1, Duration.ZERO, fixed(0.5)));                  // uniform(100, 300)
        assertEquals(Duration.ofMillis(980), b.delay(2, Duration.ofMillis(400), fixed(0.8)));        // uniform(100, 1200)
        assertEquals(CAP, b.delay(9, Duration.ofSeconds(30), fixed(0.9)));
    }

    @Test
    void exponentialAndNoneAreDeterministic() {
        assertEquals(Duration.ofMillis(800), Backoff.exponential(BASE, CAP).delay(3, Duration.ZERO, fixed(0.3)));
        assertEquals(CAP, Backoff.exponential(BASE, CAP).delay(1000, Duration.ZERO, fixed(0.3)));
        assertEquals(Duration.ZERO, Backoff.none().delay(5, Duration.ZERO, fixed(0.3)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7, 12})
    void fullJitterIsUniformBelowTheCeiling(int attempt) {
        double ceiling = Backoff.ceiling(BASE, CAP, attempt);
        double d = ksAgainst(Backoff.fullJitter(BASE, CAP), attempt, x -> clamp(x / ceiling));
        assertTrue(d < KS_CRITICAL, "KS distance " + d + " >= " + KS_CRITICAL);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 12})
    void equalJitterIsUniformOnTheUpperHalf(int attempt) {
        double ceiling = Backoff.ceiling(BASE, CAP, attempt);
        double d = ksAgainst(Backoff.equalJitter(BASE, CAP), attempt, x -> clamp((x - ceiling / 2) / (ceiling / 2)));
        assertTrue(d < KS_CRITICAL, "KS distance " + d + " >= " + KS_CRITICAL);
    }

    @Test
    void decorrelatedJitterIsUniformBetweenBaseAndThreeTimesPrevious() {
        Duration previous = Duration.ofMillis(500);
        double low = BASE.toNanos();
        double high = previous.toNanos() * 3.0;
        SplittableRandom random = new SplittableRandom(11);
        double[] samples = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            samples[i] = Backoff.decorrelatedJitter(BASE, CAP).delay(2, previous, random).toNanos();
        }
        double d = ks(samples, x -> clamp((x - low) / (high - low)));
        assertTrue(d < KS_CRITICAL, "KS distance " + d + " >= " + KS_CRITICAL);
    }

    @Test
    void theGoodnessOfFitTestRejectsAnUnjitteredSchedule() {
        double ceiling = Backoff.ceiling(BASE, CAP, 4);
        double d = ksAgainst(Backoff.exponential(BASE, CAP), 4, x -> clamp(x / ceiling));
        assertTrue(d > 0.9, "an unjittered delay must fail the uniformity test, KS distance was " + d);
    }

    @Test
    void capHoldsForEveryStrategyAndAttempt() {
        SplittableRandom random = new SplittableRandom(5);
        for (String name : new String[] {"full-jitter", "equal-jitter", "decorrelated-jitter", "exponential", "none"}) {
            Backoff b = Backoff.named(name, BASE, CAP);
            Duration previous = Duration.ZERO;
            for (int attempt = 1; attempt < 200; attempt++) {
                Duration delay = b.delay(attempt, previous, random);
                assertTrue(!delay.isNegative() && delay.compareTo(CAP) <= 0, name + " attempt " + attempt + " gave " + delay);
                previous = delay;
            }
        }
    }

    @Test
    void unknownStrategyNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backoff.named("linear", BASE, CAP));
        assertTrue(e.getMessage().startsWith("pipeline.retry.backoff must be one of"), e.getMessage());
    }

    private static double ksAgainst(Backoff backoff, int attempt, DoubleUnaryOperator toUnit) {
        SplittableRandom random = new SplittableRandom(42 + attempt);
        double[] samples = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            samples[i] = backoff.delay(attempt, Duration.ZERO, random).toNanos();
        }
        return ks(samples, toUnit);
    }

    /** Kolmogorov-Smirnov distance between the samples, mapped to [0, 1], and the uniform distribution. */
    private static double ks(double[] samples, DoubleUnaryOperator toUnit) {
        double[] u = Arrays.stream(samples).map(toUnit).sorted().toArray();
        double d = 0;
        for (int i = 0; i < u.length; i++) {
            d = Math.max(d, Math.max((i + 1.0) / u.length - u[i], u[i] - (double) i / u.length));
        }
        return d;
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
