package io.backpressure.pipeline.metrics;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.outcome.DropReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The pipeline's own counters, registered in a Micrometer registry (Prometheus names in brackets):
 * handler calls by outcome [pipeline_handler_calls_total{outcome}], handler latency [pipeline_handler_latency_seconds],
 * results [pipeline_results_total], drops by reason [pipeline_drops_total{reason}], retries scheduled by attempt
 * [pipeline_retries_scheduled_total{attempt}], retries waiting in timer stores [pipeline_retry_pending], how long
 * commits hold a stream thread [pipeline_commit_hold_seconds] and how much of it is the pipeline's own hooks
 * [pipeline_commit_hooks_seconds], calls persisted by a commit [pipeline_calls_persisted_total]
 * and persisted calls a task called again when it opened [pipeline_calls_resumed_total]; in key mode, requests parked
 * behind busy keys [pipeline_key_parked] and a key's requests started by the call before them as it finished
 * [pipeline_key_handoffs_total].
 * Label values are the stable names of {@link DropReason} and the outcome types. Every meter also carries the tags it
 * is given ({@code pipeline}, the input topic, when a pipeline builds it), so pipelines of one JVM that report to one
 * registry keep their own meters instead of sharing the first one's.
 */
public final class PipelineStats {
    private final MeterRegistry registry;
    private final Tags tags;
    /** One field per outcome: counted on every call, so no map lookup. */
    private final Counter successfulCalls;
    private final Counter retryableFailedCalls;
    private final Counter nonRetryableFailedCalls;
    private final Timer handlerLatency;
    private final Counter results;
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final Map<Integer, Counter> retriesByAttempt = new ConcurrentHashMap<>();
    private final AtomicLong retryPending = new AtomicLong();
    private final AtomicLong keyParked = new AtomicLong();
    private final Counter keyHandOffs;
    private final Timer commitHold;
    private final Timer commitHooks;
    private final LongAccumulator longestCommitHoldNanos = new LongAccumulator(Math::max, 0);
    private final Counter callsPersisted;
    private final Counter callsResumed;

    public PipelineStats() {
        this(new SimpleMeterRegistry());
    }

    public PipelineStats(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /** @param tags on every meter: tell apart the pipelines of one JVM that report to one registry */
    public PipelineStats(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.handlerLatency = Timer.builder("pipeline.handler.latency").description("duration of handler calls, time-outs included")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .tags(tags).register(registry);
        this.results = Counter.builder("pipeline.results").description("requests completed successfully").tags(tags).register(registry);
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, Counter.builder("pipeline.drops").description("requests sent to the dropped topic")
                    .tag("reason", reason.name()).tags(tags).register(registry));
        }
        this.successfulCalls = callCounter("success");
        this.retryableFailedCalls = callCounter("retryable_failure");
        this.nonRetryableFailedCalls = callCounter("non_retryable_failure");
        Gauge.builder("pipeline.retry.pending", retryPending, AtomicLong::get).description("retries waiting in timer stores")
                .tags(tags).register(registry);
        Gauge.builder("pipeline.key.parked", keyParked, AtomicLong::get)
                .description("requests parked behind busy keys (pipeline.ordering=key), bounded by pipeline.ordering.max-parked per task")
                .tags(tags).register(registry);
        this.keyHandOffs = Counter.builder("pipeline.key.handoffs")
                .description("requests of a key started by the call before them as it finished (pipeline.ordering=key)")
                .tags(tags).register(registry);
        this.commitHold = Timer.builder("pipeline.commit.hold")
                .description("how long each commit held a stream thread, from its first task's pre-commit hook to the thread's next record or punctuation")
                .tags(tags).register(registry);
        this.commitHooks = Timer.builder("pipeline.commit.hooks")
                .description("how much of each commit's hold the pipeline's own pre-commit hooks took (forwarding, persisting or draining calls)")
                .tags(tags).register(registry);
        this.callsPersisted = Counter.builder("pipeline.calls.persisted")
                .description("calls still in flight at a commit whose requests it wrote to the timer store instead of waiting")
                .tags(tags).register(registry);
        this.callsResumed = Counter.builder("pipeline.calls.resumed")
                .description("persisted calls a task found in its timer store when it opened (after a crash, a rebalance or a restart) and calls again")
                .tags(tags).register(registry);
    }

    private Counter callCounter(String outcome) {
        return Counter.builder("pipeline.handler.calls").description("handler calls by outcome").tag("outcome", outcome)
                .tags(tags).register(registry);
    }

    /** @param hookNanos how much of the hold the pipeline's own pre-commit hooks took */
    public void commitHeld(long nanos, long hookNanos) {
        commitHold.record(nanos, TimeUnit.NANOSECONDS);
        commitHooks.record(hookNanos, TimeUnit.NANOSECONDS);
        longestCommitHoldNanos.accumulate(nanos);
    }

    public void callsPersisted(int count) {
        callsPersisted.increment(count);
    }

    public long commits() {
        return commitHold.count();
    }

    public double meanCommitHookMillis() {
        return commitHooks.mean(TimeUnit.MILLISECONDS);
    }

    public double meanCommitHoldMillis() {
        return commitHold.mean(TimeUnit.MILLISECONDS);
    }

    /** The longest commit hold since start (the timer's own max forgets after a few minutes). */
    public double longestCommitHoldMillis() {
        return longestCommitHoldNanos.get() / 1e6;
    }

    public void callsResumed(int count) {
        callsResumed.increment(count);
    }

    public long callsResumed() {
        return (long) callsResumed.count();
    }

    public long callsPersisted() {
        return (long) callsPersisted.count();
    }

    public void handlerCall(Outcome<?> outcome, long latencyMillis) {
        Counter calls = outcome instanceof Outcome.Success<?> ? successfulCalls
                : outcome instanceof Outcome.RetryableFailure<?> ? retryableFailedCalls : nonRetryableFailedCalls;
        calls.increment();
        handlerLatency.record(latencyMillis, TimeUnit.MILLISECONDS);
    }

    public void result() {
        results.increment();
    }

    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    /** A retry was scheduled for {@code attempt} (2 for the first retry). */
    public void retryScheduled(int attempt) {
        retriesByAttempt.computeIfAbsent(attempt, a -> Counter.builder("pipeline.retries.scheduled")
                .description("retries published to a delay topic, by the attempt they wait for")
                .tag("attempt", Integer.toString(a)).tags(tags).register(registry)).increment();
    }

    public void retryPending(long delta) {
        retryPending.addAndGet(delta);
    }

    public void keyParked(long delta) {
        keyParked.addAndGet(delta);
    }

    public void keyHandedOff() {
        keyHandOffs.increment();
    }

    public long handlerCalls() {
        return (long) (successfulCalls.count() + retryableFailedCalls.count() + nonRetryableFailedCalls.count());
    }

    /** Mean duration of the handler calls so far, in milliseconds (time-outs included). */
    public double meanHandlerLatencyMillis() {
        return handlerLatency.mean(TimeUnit.MILLISECONDS);
    }

    public long results() {
        return (long) results.count();
    }

    public long drops(DropReason reason) {
        return (long) drops.get(reason).count();
    }

    public long dropsTotal() {
        return (long) drops.values().stream().mapToDouble(Counter::count).sum();
    }

    public long retriesScheduled() {
        return (long) retriesByAttempt.values().stream().mapToDouble(Counter::count).sum();
    }

    public long retryPending() {
        return retryPending.get();
    }
}
