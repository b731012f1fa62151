package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.retry.RetryPolicy;
import io.backpressure.pipeline.simulate.internal.ArrivalSchedule;
import io.backpressure.pipeline.simulate.internal.ClientRecorder;
import io.backpressure.pipeline.simulate.internal.Downstream;
import io.backpressure.pipeline.simulate.internal.EventLoop;
import io.backpressure.pipeline.simulate.internal.Seeds;
import io.backpressure.pipeline.simulate.internal.SimulatedClient;
import io.backpressure.pipeline.window.Window;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Runs the metastable-overload comparison: one arrival sequence, replayed to a naive client and to the pipeline's
 * policy, each against its own fresh copy of the same downstream, in simulated time.
 */
public final class OverloadStudy {
    private static final long SECOND = 1_000_000_000L;

    private OverloadStudy() {
    }

    public static OverloadResult run(OverloadConfig config) {
        long[] arrivals = ArrivalSchedule.poisson(config::arrivalRateAt, new long[] {config.traffic().triggerAt().toNanos(),
                        config.traffic().triggerAt().plus(config.traffic().triggerFor()).toNanos()},
                config.traffic().duration().toNanos(), new SplittableRandom(Seeds.derive(config.seed(), 1)));
        return new OverloadResult(config,
                simulate("naive", config, arrivals, null, naivePolicy(config), Seeds.derive(config.seed(), 2)),
                simulate("pipeline", config, arrivals, new Window(config.pipeline().window()), pipelinePolicy(config),
                        Seeds.derive(config.seed(), 3)));
    }

    /** Immediate retries, no deadline (a zero time-to-live), no budget (zero tokens). */
    static RetryPolicy naivePolicy(OverloadConfig config) {
        return new RetryPolicy(config.naiveMaxAttempts(), Backoff.none(), Duration.ZERO, RetryBudget.of(0, 0, 0), Duration.ZERO,
                Duration.ZERO);
    }

    static RetryPolicy pipelinePolicy(OverloadConfig config) {
        OverloadConfig.PipelinePolicy p = config.pipeline();
        return new RetryPolicy(p.maxAttempts(), p.backoffStrategy(), config.deadline(),
                RetryBudget.of(p.budgetTokens(), p.retryCost(), p.successRefund()), p.backoffCap(), p.backoffCap());
    }

    private static OverloadResult.ClientRun simulate(String name, OverloadConfig config, long[] arrivals, Window window,
                                                     RetryPolicy policy, long seed) {
        EventLoop loop = new EventLoop();
        Downstream downstream = new Downstream(loop, config.server().serviceTime().toNanos(), () -> config.workersAt(loop.nanos()));
        OverloadConfig.Traffic traffic = config.traffic();
        loop.at(traffic.triggerAt().toNanos(), downstream::capacityChanged);
        loop.at(traffic.triggerAt().plus(traffic.triggerFor()).toNanos(), downstream::capacityChanged);
        int seconds = traffic.seconds();
        ClientRecorder recorder = new ClientRecorder(seconds, config.deadline().toNanos());
        SimulatedClient client = new SimulatedClient(loop, downstream, window, policy, config.attemptTimeout(),
                new SplittableRandom(seed), recorder);
        for (int s = 0; s < seconds; s++) {
            int second = s;
            loop.at(Math.min((s + 1) * SECOND, traffic.duration().toNanos()) - 1,
                    () -> recorder.sample(second, downstream.queued(), client.waiting()));
        }
        feed(loop, arrivals, 0, client);
        loop.runUntil(traffic.duration().toNanos());
        return summarise(name, config, recorder);
    }

    /** Schedules one arrival at a time, so the event queue holds only what is in progress. */
    private static void feed(EventLoop loop, long[] arrivals, int index, SimulatedClient client) {
        if (index < arrivals.length) {
            loop.at(arrivals[index], () -> {
                client.arrive();
                feed(loop, arrivals, index + 1, client);
            });
        }
    }

    private static OverloadResult.ClientRun summarise(String name, OverloadConfig config, ClientRecorder r) {
        OverloadResult.PerSecond perSecond = new OverloadResult.PerSecond(r.arrivals(), r.goodput(), r.calls(), r.timeouts(),
                r.drops(), r.serverQueue(), r.backlog());
        long[] latencies = r.sortedLatencies();
        long dropped = r.dropsByReason().values().stream().mapToLong(Long::longValue).sum();
        OverloadResult.Summary summary = new OverloadResult.Summary(r.totalArrivals(), r.totalCalls(), r.successes(),
                r.totalGoodput(), r.successes() - r.totalGoodput(), r.wastedWork(), r.dropsByReason(),
                r.totalArrivals() - r.successes() - dropped, percentile(latencies, 0.50), percentile(latencies, 0.99),
                Recovery.secondsAfter(config.traffic().firstSecondAfterTrigger(), perSecond.arrivals(), perSecond.goodput()));
        return new OverloadResult.ClientRun(name, perSecond, summary);
    }

    /** Nearest-rank percentile; zero when there is nothing to rank. */
    static Duration percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
    }
}
