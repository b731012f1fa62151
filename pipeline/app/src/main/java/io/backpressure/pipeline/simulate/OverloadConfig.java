package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.config.Check;
import java.time.Duration;

/**
 * The parameters of the overload simulation, validated on construction; messages name the command-line option.
 *
 * @param attemptTimeout    how long a client waits for one call before counting it as failed (the server keeps working on it)
 * @param deadline          the pipeline's time-to-live from arrival; for both clients, a success later than this is not goodput
 * @param naiveMaxAttempts  attempts the naive client makes, retrying at once after each timeout
 */
public record OverloadConfig(Server server, Traffic traffic, Duration attemptTimeout, Duration deadline, int naiveMaxAttempts,
                             PipelinePolicy pipeline, long seed) {

    public OverloadConfig {
        Check.positive("--timeout", attemptTimeout);
        Check.positive("--deadline", deadline);
        Check.atLeast("--naive-attempts", naiveMaxAttempts, 1);
    }

    /** The downstream: a FIFO queue in front of {@code workers} workers that each take {@code serviceTime} per call. */
    public record Server(int workers, Duration serviceTime) {
        public Server {
            Check.atLeast("--workers", workers, 1);
            Check.positive("--service-time", serviceTime);
        }

        public double capacityPerSecond() {
            return workers * 1e9 / serviceTime.toNanos();
        }

        /** Workers left during a capacity drop: half, at least one. */
        public int reducedWorkers() {
            return Math.max(1, workers / 2);
        }
    }

    /**
     * Poisson arrivals at {@code utilisation} times the downstream's capacity for {@code duration}, with the trigger
     * active from {@code triggerAt} for {@code triggerFor}.
     */
    public record Traffic(double utilisation, Duration duration, Trigger trigger, Duration triggerAt, Duration triggerFor,
                          double spikeFactor) {
        public Traffic {
            Check.between("--load", utilisation, 0.001, 10);
            Check.positive("--duration", duration);
            Check.notNegative("--trigger-at", triggerAt);
            Check.positive("--trigger-for", triggerFor);
            Check.between("--spike-factor", spikeFactor, 0.001, 100);
            if (triggerAt.plus(triggerFor).compareTo(duration) > 0) {
                throw new IllegalStateException("--trigger-at (" + triggerAt.toMillis() + " ms) plus --trigger-for ("
                        + triggerFor.toMillis() + " ms) must end within --duration (" + duration.toMillis() + " ms)");
            }
        }

        public boolean triggered(long nanos) {
            return trigger != Trigger.NONE && nanos >= triggerAt.toNanos() && nanos < triggerAt.plus(triggerFor).toNanos();
        }

        /** Whole seconds of the per-second series; a partial last second counts as one. */
        public int seconds() {
            return (int) Math.ceil(duration.toNanos() / 1e9);
        }

        /** The first whole second after the trigger has ended: where recovery is measured from. */
        public int firstSecondAfterTrigger() {
            return (int) Math.ceil(triggerAt.plus(triggerFor).toNanos() / 1e9);
        }
    }

    /**
     * The pipeline client: a window of {@code window} calls, retries by {@code backoff} through {@code RetryPolicy}, and a
     * retry budget of {@code budgetTokens} tokens (0 = off), {@code retryCost} per retry, {@code successRefund} per success.
     */
    public record PipelinePolicy(int window, int maxAttempts, String backoff, Duration backoffBase, Duration backoffCap,
                                 int budgetTokens, int retryCost, int successRefund) {
        public PipelinePolicy {
            Check.atLeast("--window", window, 1);
            Check.atLeast("--max-attempts", maxAttempts, 1);
            Check.positive("--backoff-base", backoffBase);
            Check.positive("--backoff-cap", backoffCap);
            Check.atLeast("--budget tokens", budgetTokens, 0);
            Check.atLeast("--budget retry cost", retryCost, 0);
            Check.atLeast("--budget refund", successRefund, 0);
            try {
                Backoff.named(backoff, backoffBase, backoffCap);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--backoff must be one of full-jitter, equal-jitter, decorrelated-jitter, "
                        + "exponential, none, was " + backoff);
            }
        }

        public Backoff backoffStrategy() {
            return Backoff.named(backoff, backoffBase, backoffCap);
        }
    }

    /**
     * 10 workers x 10 ms = 1,000 calls/s, arrivals at 80 % for 60 s, a spike to 2x capacity for 2 s at t = 20 s, a 200 ms
     * per-attempt timeout (20 service times: never reached in steady state), a 2 s deadline; naive: 4 attempts; pipeline:
     * window 50, 3 attempts, full jitter 100 ms to 2 s, the AWS SDK's budget of 500 tokens, 5 per retry, 1 back per success.
     */
    public static OverloadConfig defaults() {
        return new OverloadConfig(new Server(10, Duration.ofMillis(10)),
                new Traffic(0.8, Duration.ofSeconds(60), Trigger.SPIKE, Duration.ofSeconds(20), Duration.ofSeconds(2), 2.0),
                Duration.ofMillis(200), Duration.ofSeconds(2), 4,
                new PipelinePolicy(50, 3, "full-jitter", Duration.ofMillis(100), Duration.ofSeconds(2), 500, 5, 1), 1L);
    }

    public OverloadConfig withServer(Server value) {
        return new OverloadConfig(value, traffic, attemptTimeout, deadline, naiveMaxAttempts, pipeline, seed);
    }

    public OverloadConfig withTraffic(Traffic value) {
        return new OverloadConfig(server, value, attemptTimeout, deadline, naiveMaxAttempts, pipeline, seed);
    }

    public OverloadConfig withTrigger(Trigger value) {
        return withTraffic(new Traffic(traffic.utilisation(), traffic.duration(), value, traffic.triggerAt(), traffic.triggerFor(),
                traffic.spikeFactor()));
    }

    public OverloadConfig withPipeline(PipelinePolicy value) {
        return new OverloadConfig(server, traffic, attemptTimeout, deadline, naiveMaxAttempts, value, seed);
    }

    public OverloadConfig withSeed(long value) {
        return new OverloadConfig(server, traffic, attemptTimeout, deadline, naiveMaxAttempts, pipeline, value);
    }

    /** Workers at work at {@code nanos}: all of them, except during a capacity drop. */
    public int workersAt(long nanos) {
        return traffic.trigger() == Trigger.CAPACITY_DROP && traffic.triggered(nanos) ? server.reducedWorkers() : server.workers();
    }

    /** Arrivals per second at {@code nanos}. */
    public double arrivalRateAt(long nanos) {
        boolean spiking = traffic.trigger() == Trigger.SPIKE && traffic.triggered(nanos);
        return (spiking ? traffic.spikeFactor() : traffic.utilisation()) * server.capacityPerSecond();
    }
}
