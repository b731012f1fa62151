package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalInt;

/** What the naive client and the pipeline did with the same arrivals against the same downstream. */
public record OverloadResult(OverloadConfig config, ClientRun naive, ClientRun pipeline) {

    /** One client's run: its per-second series and its summary. */
    public record ClientRun(String name, PerSecond perSecond, Summary summary) {
    }

    /**
     * Counts per second of simulated time. {@code serverQueue} and {@code backlog} are sampled at the end of each second:
     * calls queued at the downstream, and requests waiting on the client's side (Kafka lag for the pipeline).
     */
    public record PerSecond(int[] arrivals, int[] goodput, int[] calls, int[] timeouts, int[] drops, int[] serverQueue,
                            int[] backlog) {
    }

    /**
     * @param requests      unique requests that arrived
     * @param calls         calls sent to the downstream, retries included
     * @param goodput       successes within the deadline of their arrival
     * @param lateSuccesses successes after that deadline: answers nobody was waiting for
     * @param wastedWork    calls the downstream finished after the client had timed out on them
     * @param unfinished    requests neither answered nor dropped when the simulation ended
     * @param recovery      seconds from the end of the trigger until recovery (see {@link Recovery}); empty for never
     */
    public record Summary(long requests, long calls, long successes, long goodput, long lateSuccesses, long wastedWork,
                          Map<DropReason, Long> drops, long unfinished, Duration p50, Duration p99, OptionalInt recovery) {
        public Summary {
            drops = drops.isEmpty() ? Map.of() : new EnumMap<>(drops);
        }

        /** Downstream calls per unique request. */
        public double amplification() {
            return requests == 0 ? 0 : (double) calls / requests;
        }

        public long dropped() {
            return drops.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
