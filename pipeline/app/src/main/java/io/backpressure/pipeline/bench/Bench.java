package io.backpressure.pipeline.bench;

import java.io.PrintWriter;
import java.time.Duration;

/** Entry point of the benchmarks: picks the scenario, runs it, prints its RESULT line. */
public final class Bench {
    /** The scenarios, named on the command line in lower case with dashes ({@code littles-law}). */
    public enum Scenario {
        OVERHEAD, LITTLES_LAW, PC_WORKLOAD, BACKLOG_MEMORY, RETRY_LATENESS, RETRY_AMPLIFICATION, OVERLOAD, CHAOS, RESTART, ADAPTIVE,
        REPLAY, SCALE_OUT, ORDERING;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Scenario parse(String name) {
            for (Scenario s : values()) {
                if (s.cliName().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scenario " + name + "; choose one of "
                    + java.util.Arrays.stream(values()).map(Scenario::cliName).toList());
        }
    }

    private Bench() {
    }

    /**
     * {@code bench chaos}: on a broker and a registry of its own under {@code dataDir}, since it stops and restarts them.
     *
     * @param guarantee at_least_once or exactly_once_v2
     */
    public static void chaos(String guarantee, Duration duration, long seed, java.nio.file.Path dataDir,
                             java.util.Map<String, String> kafkaSettings, PrintWriter out) throws Exception {
        out.printf("bench chaos on %d cores, Java %s%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                kafkaSettings.isEmpty() ? "" : ", with " + kafkaSettings);
        out.flush();
        ChaosBench.run(guarantee, duration, seed, dataDir, kafkaSettings, out).print(out);
    }

    /**
     * @param kafkaSettings {@code kafka.*} settings applied to every app of the scenario (the scenario's own win)
     * @param limit         adaptive: the adaptive limit compared with the fixed window
     * @param littlesLaw    littles-law: the downstream's latency, the window and the processing guarantee
     */
    public static void run(Scenario scenario, String bootstrapServers, String registryUrl, java.util.Map<String, String> kafkaSettings,
                           Long records, Duration duration, java.nio.file.Path csv, java.nio.file.Path svg, String limit,
                           LittlesLawBench.Setup littlesLaw, PrintWriter out) throws Exception {
        out.printf("bench %s on %d cores, Java %s%s%n", scenario.cliName(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), kafkaSettings.isEmpty() ? "" : ", with " + kafkaSettings);
        out.flush();
        BenchResult result;
        // Closed before the RESULT line, which must stay last: closing deletes the run's topics and reports it.
        try (BenchEnvironment env = new BenchEnvironment(bootstrapServers, registryUrl, kafkaSettings, out)) {
            result = switch (scenario) {
                case OVERHEAD -> Scenarios.overhead(env, records != null ? records : 600_000);
                case LITTLES_LAW -> LittlesLawBench.run(env, littlesLaw, records);
                case PC_WORKLOAD -> Scenarios.pcWorkload(env, records != null ? records : 10_000);
                case BACKLOG_MEMORY -> Scenarios.backlogMemory(env, records != null ? records : 2_000_000, duration);
                case RETRY_LATENESS -> RetryScenarios.lateness(env, duration);
                case RETRY_AMPLIFICATION -> RetryScenarios.amplification(env, records != null ? records : 20_000);
                case OVERLOAD -> OverloadBench.run(env, csv, svg);
                case RESTART -> RestartBench.run(env);
                case ADAPTIVE -> AdaptiveBench.run(env, limit, svg);
                case REPLAY -> ReplayBench.run(env, records != null ? records : 100_000);
                case SCALE_OUT -> ScaleOutBench.run(env, records != null ? records : 360_000);
                case ORDERING -> OrderingBench.run(env);
                case CHAOS -> throw new IllegalArgumentException("chaos runs on a stack of its own: use Bench.chaos");
            };
        }
        result.print(out);
    }
}
