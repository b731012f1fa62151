package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.pipeline.handler.SimulatedDownstream;
import io.backpressure.schemas.WorkRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The simulated downstream as its client sees it: every call's latency, from the call to the answer or to the
 * pipeline giving up on it (a timeout cancels the call's future), counted per second of the run in 1 ms buckets.
 */
final class TimedDownstream implements RequestHandler {
    private static final int MAX_MILLIS = 2_000;

    private final SimulatedDownstream downstream;
    private final int[][] latencyMillis;
    private final long[] timeouts;
    private volatile long startNanos = Long.MAX_VALUE;

    TimedDownstream(SimulatedDownstream downstream, int seconds) {
        this.downstream = downstream;
        this.latencyMillis = new int[seconds][MAX_MILLIS + 1];
        this.timeouts = new long[seconds];
    }

    /** Second 0 of the per-second figures starts now; calls before are not counted. */
    void startClock() {
        startNanos = System.nanoTime();
    }

    SimulatedDownstream downstream() {
        return downstream;
    }

    @Override
    public CompletionStage<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
        long start = System.nanoTime();
        CompletableFuture<Outcome<byte[]>> answer = new CompletableFuture<>();
        answer.whenComplete((outcome, failure) -> record(start, answer.isCancelled()));
        downstream.handle(request, attempt).whenComplete((outcome, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(outcome);
            }
        });
        return answer;
    }

    private synchronized void record(long start, boolean timedOut) {
        long now = System.nanoTime();
        if (now < startNanos) {
            return;
        }
        int second = (int) ((now - startNanos) / 1_000_000_000L);
        if (second >= timeouts.length) {
            return;
        }
        latencyMillis[second][(int) Math.min(MAX_MILLIS, (now - start) / 1_000_000)]++;
        if (timedOut) {
            timeouts[second]++;
        }
    }

    /** The {@code q} quantile, in milliseconds, of the latencies of the calls that ended in seconds {@code [from, to)}. */
    synchronized double quantileMillis(double q, int from, int to) {
        return quantile(q, from, to);
    }

    /** Timeouts in the seconds {@code [from, to)}. */
    synchronized long timeouts(int from, int to) {
        long sum = 0;
        for (int s = from; s < to; s++) {
            sum += timeouts[s];
        }
        return sum;
    }

    private double quantile(double q, int from, int to) {
        long total = 0;
        for (int s = from; s < to; s++) {
            for (int count : latencyMillis[s]) {
                total += count;
            }
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int ms = 0; ms <= MAX_MILLIS; ms++) {
            for (int s = from; s < to; s++) {
                seen += latencyMillis[s][ms];
            }
            if (seen >= rank) {
                // The bucket's upper edge: a call counted under 20 took between 20 and 21 ms.
                return ms + 1;
            }
        }
        return MAX_MILLIS;
    }

    @Override
    public void close() {
        downstream.close();
    }
}
