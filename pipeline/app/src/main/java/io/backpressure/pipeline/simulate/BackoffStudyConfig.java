package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.config.Check;
import java.time.Duration;
import java.util.List;

/**
 * The parameters of the contention study, validated on construction. Messages name the command-line option because
 * the command line is the one place these are set.
 *
 * @param strategies  backoff names as in {@code pipeline.retry.backoff}
 * @param clients     the client counts to simulate, each its own point
 * @param runs        runs per point; the study reports means
 * @param networkMean mean one-way network delay; each message takes |N(mean, sd)|
 */
public record BackoffStudyConfig(List<String> strategies, List<Integer> clients, int runs, Duration base, Duration cap,
                                 Duration networkMean, Duration networkSd, long seed) {

    public static final List<String> ALL_STRATEGIES = List.of("none", "exponential", "full-jitter", "equal-jitter",
            "decorrelated-jitter");

    public BackoffStudyConfig {
        strategies = List.copyOf(strategies);
        clients = List.copyOf(clients);
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("--strategies must name at least one of " + String.join(", ", ALL_STRATEGIES));
        }
        for (String s : strategies) {
            if (!ALL_STRATEGIES.contains(s)) {
                throw new IllegalArgumentException("--strategies must be among " + String.join(", ", ALL_STRATEGIES) + ", was " + s);
            }
        }
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("--clients must list at least one client count");
        }
        clients.forEach(n -> Check.atLeast("--clients", n, 1));
        Check.atLeast("--runs", runs, 1);
        Check.positive("--base", base);
        Check.positive("--cap", cap);
        Check.positive("--network-mean", networkMean);
        Check.notNegative("--network-sd", networkSd);
        if (cap.compareTo(base) < 0) {
            throw new IllegalStateException("--cap (" + cap.toMillis() + " ms) must not be below --base (" + base.toMillis() + " ms)");
        }
    }

    /** The published study: five strategies, 10 to 190 clients in steps of 20, 100 runs each, base 5 ms, cap 2 s. */
    public static BackoffStudyConfig published() {
        return new BackoffStudyConfig(ALL_STRATEGIES, clientRange(10, 190, 20), 100, Duration.ofMillis(5),
                Duration.ofMillis(2000), Duration.ofMillis(10), Duration.ofMillis(2), 1L);
    }

    public static List<Integer> clientRange(int from, int to, int step) {
        Check.atLeast("--clients step", step, 1);
        return java.util.stream.IntStream.iterate(from, n -> n <= to, n -> n + step).boxed().toList();
    }

    public BackoffStudyConfig withStrategies(List<String> value) {
        return new BackoffStudyConfig(value, clients, runs, base, cap, networkMean, networkSd, seed);
    }

    public BackoffStudyConfig withClients(List<Integer> value) {
        return new BackoffStudyConfig(strategies, value, runs, base, cap, networkMean, networkSd, seed);
    }

    public BackoffStudyConfig withRuns(int value) {
        return new BackoffStudyConfig(strategies, clients, value, base, cap, networkMean, networkSd, seed);
    }

    public BackoffStudyConfig withBackoff(Duration newBase, Duration newCap) {
        return new BackoffStudyConfig(strategies, clients, runs, newBase, newCap, networkMean, networkSd, seed);
    }

    public BackoffStudyConfig withSeed(long value) {
        return new BackoffStudyConfig(strategies, clients, runs, base, cap, networkMean, networkSd, value);
    }

    /** The strategy as the pipeline itself builds it: the simulation runs the production delay code. */
    Backoff backoff(String strategy) {
        return Backoff.named(strategy, base, cap);
    }
}
