package io.backpressure.pipeline.simulate.internal;

import io.backpressure.pipeline.outcome.DropReason;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what one simulated client did, per second of simulated time and in total. Goodput is a success within
 * {@code usefulWithin} of the request's arrival: a later answer is one nobody is waiting for any more.
 */
public final class ClientRecorder {
    private final long usefulWithinNanos;
    private final int[] arrivals;
    private final int[] goodput;
    private final int[] calls;
    private final int[] timeouts;
    private final int[] drops;
    private final int[] serverQueue;
    private final int[] backlog;
    private final EnumMap<DropReason, Long> dropsByReason = new EnumMap<>(DropReason.class);
    private long[] latencies = new long[1024];
    private int successes;
    private long totalArrivals;
    private long totalCalls;
    private long totalGoodput;
    private long wastedWork;

    public ClientRecorder(int seconds, long usefulWithinNanos) {
        this.usefulWithinNanos = usefulWithinNanos;
        arrivals = new int[seconds];
        goodput = new int[seconds];
        calls = new int[seconds];
        timeouts = new int[seconds];
        drops = new int[seconds];
        serverQueue = new int[seconds];
        backlog = new int[seconds];
    }

    public void arrival(long now) {
        totalArrivals++;
        arrivals[second(now)]++;
    }

    public void call(long now) {
        totalCalls++;
        calls[second(now)]++;
    }

    public void timeout(long now) {
        timeouts[second(now)]++;
    }

    /** The server finished a call whose client had already timed out: work done for nobody. */
    public void wasted() {
        wastedWork++;
    }

    public void success(long arrivedAt, long now) {
        long latency = now - arrivedAt;
        if (successes == latencies.length) {
            latencies = Arrays.copyOf(latencies, successes * 2);
        }
        latencies[successes++] = latency;
        if (latency <= usefulWithinNanos) {
            totalGoodput++;
            goodput[second(now)]++;
        }
    }

    public void drop(DropReason reason, long now) {
        dropsByReason.merge(reason, 1L, Long::sum);
        drops[second(now)]++;
    }

    /** The state at the end of a second: calls queued at the downstream, requests waiting on the client's side. */
    public void sample(int second, int queuedAtServer, int waitingAtClient) {
        serverQueue[second] = queuedAtServer;
        backlog[second] = waitingAtClient;
    }

    private int second(long nanos) {
        return (int) Math.min(arrivals.length - 1, nanos / 1_000_000_000L);
    }

    public int[] arrivals() {
        return arrivals.clone();
    }

    public int[] goodput() {
        return goodput.clone();
    }

    public int[] calls() {
        return calls.clone();
    }

    public int[] timeouts() {
        return timeouts.clone();
    }

    public int[] drops() {
        return drops.clone();
    }

    public int[] serverQueue() {
        return serverQueue.clone();
    }

    public int[] backlog() {
        return backlog.clone();
    }

    public long totalArrivals() {
        return totalArrivals;
    }

    public long totalCalls() {
        return totalCalls;
    }

    public long totalGoodput() {
        return totalGoodput;
    }

    public long successes() {
        return successes;
    }

    public long wastedWork() {
        return wastedWork;
    }

    public Map<DropReason, Long> dropsByReason() {
        return new EnumMap<>(dropsByReason);
    }

    /** Latencies of successes (arrival to answer), sorted ascending. */
    public long[] sortedLatencies() {
        long[] sorted = Arrays.copyOf(latencies, successes);
        Arrays.sort(sorted);
        return sorted;
    }
}
