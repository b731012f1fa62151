package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.InstanceGauges;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.metrics.RecentDrops;
import io.backpressure.pipeline.retry.ReleaseLateness;
import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.window.Window;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Consumer;

/**
 * The state one application instance shares among all its tasks and threads: the window, the start order its
 * calls time out in, the thread that starts calls queued for a slot, the retry budget, the counters, the commit-hold measure, the errors behind recent drops, and a listener told of every finished
 * call (the health gate).
 */
public record InstanceState(Window window, CallTimeouts timeouts, Launcher launcher, RetryBudget budget, PipelineStats stats,
                            ReleaseLateness lateness, CommitHolds commitHolds, RecentDrops recentDrops,
                            Consumer<Outcome<?>> outcomeListener) {

    public static InstanceState of(PipelineConfig config, Consumer<Outcome<?>> outcomeListener, MeterRegistry registry) {
        // One JVM may run several pipelines (an embedding application's own streams apps) reporting to one registry.
        Tags tags = Tags.of("pipeline", config.topics().input());
        PipelineStats stats = new PipelineStats(registry, tags);
        Window window = Window.of(config.window());
        CallTimeouts timeouts = new CallTimeouts();
        RetryBudget budget = RetryBudget.of(config.retry().budgetTokens(), config.retry().retryCost(), config.retry().successRefund());
        InstanceGauges.bind(registry, tags, window, budget);
        return new InstanceState(window, timeouts, new Launcher(config.window().capacity(), window, timeouts), budget,
                stats, new ReleaseLateness(registry, tags), new CommitHolds(stats), new RecentDrops(), outcomeListener);
    }

    /** Stops the launcher thread; called when the application has stopped. */
    public void close() {
        launcher.close();
    }

    public static InstanceState of(PipelineConfig config) {
        return of(config, outcome -> { }, new SimpleMeterRegistry());
    }
}
