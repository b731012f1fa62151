package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.config.CommitSettings;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.config.ProcessingGuarantee;
import io.backpressure.pipeline.handler.Handlers;
import io.backpressure.pipeline.metrics.PipelineStats;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code bench littles-law}: a downstream of fixed latency through a fixed window. Little's law says window / latency
 * records per second at best; the efficiency is how close the pipeline comes. Run three times: cold (the JIT compiling
 * while it runs, as after a deployment) and warm (the steady state of a long-running instance) with the default
 * commit mode, persist, then warm again with commits that drain the window, as the baseline of the same run.
 */
public final class LittlesLawBench {
    /** Records per run when not given: about 24 s at the ideal rate. */
    private static final double DEFAULT_SECONDS = 24;

    /** The scenario's own settings: {@code --latency}, {@code --window}, {@code --guarantee}. */
    public record Setup(Duration latency, int window, ProcessingGuarantee guarantee) {
        double idealPerSecond() {
            return window / (latency.toNanos() / 1e9);
        }
    }

    private record Run(double perSecond, double meanCallMillis, long commits, double meanHoldMillis, double longestHoldMillis,
                       double meanHookMillis, long persisted) {
    }

    private LittlesLawBench() {
    }

    static BenchResult run(BenchEnvironment env, Setup setup, Long records) {
        double ideal = setup.idealPerSecond();
        long count = records != null ? records : Math.round(ideal * DEFAULT_SECONDS);
        PrintWriter out = env.out();
        out.printf("%,d records, %d ms downstream, window %d, %s%n", count, setup.latency().toMillis(), setup.window(),
                setup.guarantee().streamsName());
        Run cold = once(env, setup, count, CommitSettings.Mode.PERSIST, "cold");
        Run warm = once(env, setup, count, CommitSettings.Mode.PERSIST, "warm");
        Run drain = once(env, setup, count, CommitSettings.Mode.DRAIN, "warm, drain");
        // Little's law with the call duration the app observed: how full the pipeline kept the window, whatever the
        // simulated downstream's own timer lateness added to the nominal latency.
        double windowFill = warm.perSecond() * warm.meanCallMillis() / 1000 / setup.window();
        out.printf("%n%-44s %,14.0f  (W / latency = %d / %d ms)%n", "ideal records/s", ideal, setup.window(), setup.latency().toMillis());
        out.printf("%-44s %,14.0f %8.3f%n", "cold JVM: records/s, efficiency", cold.perSecond(), cold.perSecond() / ideal);
        out.printf("%-44s %,14.0f %8.3f  (target >= 0.9)%n", "warm JVM: records/s, efficiency", warm.perSecond(), warm.perSecond() / ideal);
        out.printf("%-44s %,14.0f %8.3f%n", "warm JVM, commits drain: records/s, eff.", drain.perSecond(), drain.perSecond() / ideal);
        out.printf("%-44s %14.2f ms%n", "warm JVM: mean call duration observed", warm.meanCallMillis());
        out.printf("%-44s %14.3f  (records/s x observed duration / W)%n", "warm JVM: mean window occupancy", windowFill);
        out.printf("%-44s %,8d %8.2f %8.2f ms  (hooks %.2f ms; persisted %,d calls)%n", "warm: commits, mean and longest hold",
                warm.commits(), warm.meanHoldMillis(), warm.longestHoldMillis(), warm.meanHookMillis(), warm.persisted());
        out.printf("%-44s %,8d %8.2f %8.2f ms  (hooks %.2f ms)%n", "warm, drain: commits, mean and longest hold", drain.commits(),
                drain.meanHoldMillis(), drain.longestHoldMillis(), drain.meanHookMillis());
        return new BenchResult("littles-law").put("records", count).put("window", setup.window())
                .put("latencyMs", setup.latency().toMillis()).put("guarantee", setup.guarantee().streamsName())
                .put("idealPerSecond", ideal).put("perSecond", warm.perSecond()).put("efficiency", warm.perSecond() / ideal)
                .put("coldPerSecond", cold.perSecond()).put("coldEfficiency", cold.perSecond() / ideal)
                .put("drainEfficiency", drain.perSecond() / ideal)
                .put("observedCallMs", warm.meanCallMillis()).put("windowOccupancy", windowFill)
                .put("commits", warm.commits()).put("commitHoldMeanMs", warm.meanHoldMillis()).put("commitHoldMaxMs", warm.longestHoldMillis())
                .put("commitHookMeanMs", warm.meanHookMillis())
                .put("persistedCalls", warm.persisted())
                .put("drainCommits", drain.commits()).put("drainCommitHoldMeanMs", drain.meanHoldMillis())
                .put("drainCommitHoldMaxMs", drain.longestHoldMillis()).put("drainCommitHookMeanMs", drain.meanHookMillis());
    }

    private static Run once(BenchEnvironment env, Setup setup, long records, CommitSettings.Mode mode, String label) {
        PipelineConfig config = env.config("littles-" + label.replace(", ", "-"), 4)
                .set("pipeline.processing-guarantee", setup.guarantee().streamsName())
                .set("pipeline.commit.mode", mode.cliName())
                .set("pipeline.window.capacity", Integer.toString(setup.window()))
                .set("pipeline.handler.simulated.latency", setup.latency().toMillis() + "ms")
                .set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.retry.max-attempts", "1")
                .load();
        env.createTopics(4, config.topics().input(), config.topics().results(), config.topics().dropped());
        env.produce(config.topics().input(), records, 1000, "littles");
        long before = env.endOffsets(config.topics().results());
        try (PipelineApp app = PipelineApp.start(config, Handlers.create(config))) {
            long[] t = env.timeUntil(() -> env.endOffsets(config.topics().results()) - before, records, Duration.ofMinutes(10),
                    Duration.ofMillis(20));
            double rate = records / ((t[1] - t[0]) / 1e9);
            PipelineStats stats = app.stats();
            Run run = new Run(rate, stats.meanHandlerLatencyMillis(), stats.commits(), stats.meanCommitHoldMillis(),
                    stats.longestCommitHoldMillis(), stats.meanCommitHookMillis(), stats.callsPersisted());
            env.out().printf("  %s run: %,.0f records/s (max in flight %d, mean call %.2f ms, %,d commits, mean hold %.2f ms)%n", label, rate,
                    app.window().maxInFlight(), run.meanCallMillis(), run.commits(), run.meanHoldMillis());
            return run;
        }
    }
}
