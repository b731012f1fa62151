package io.backpressure.pipeline.simulate.internal;

/**
 * Derives an independent seed for each run from the user's seed and the run's coordinates, so the numbers of one
 * point (strategy, clients, run) do not depend on which other points are simulated or in what order.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long derive(long seed, long... coordinates) {
        long h = mix(seed);
        for (long c : coordinates) {
            h = mix(h ^ mix(c + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    /** The SplitMix64 finalizer: a bijection that spreads neighbouring inputs across all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
