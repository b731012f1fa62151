package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.retry.RetryDecision;
import io.backpressure.pipeline.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Decides where a finished call goes: a success becomes a result on the results topic, written by the binding; a retryable failure
 * that the {@link RetryPolicy} allows goes, with its original bytes, to the delay topic of its attempt; anything else
 * goes to the dropped topic with the original bytes and the reason in headers. A result larger than the producer
 * may send is dropped as {@link DropReason#RESULT_TOO_LARGE} here, rather than failing the stream thread over and over
 * on the same record.
 */
final class Router {
    static final String RESULTS = "results-sink";
    static final String DROPPED = "dropped-sink";
    private final RecordBinding<?, ?, ?> binding;
    private final String resultsTopic;
    private final RetryPolicy policy;
    private final PipelineStats stats;
    private final Clock clock;
    private final int maxResultBytes;

    /** @param maxResultBytes the producer's {@code max.request.size}: a larger result could never be sent */
    Router(RecordBinding<?, ?, ?> binding, String resultsTopic, RetryPolicy policy, PipelineStats stats, Clock clock,
           int maxResultBytes) {
        this.binding = binding;
        this.resultsTopic = resultsTopic;
        this.policy = policy;
        this.stats = stats;
        this.clock = clock;
        this.maxResultBytes = maxResultBytes;
    }

    static String delaySink(int failedAttempt) {
        return "delay-sink-" + failedAttempt;
    }

    Routed route(Call call, RandomGenerator random) {
        Outcome<?> outcome = call.outcome();
        if (outcome instanceof Outcome.Success<?> success) {
            policy.budget().onSuccess();
            return result(call, success);
        }
        if (outcome instanceof Outcome.NonRetryableFailure<?> failure) {
            return drop(call.source(), call.origin(), DropReason.NON_RETRYABLE, failure.error(), call.attempt(),
                    call.request().requestId());
        }
        Outcome.RetryableFailure failure = (Outcome.RetryableFailure<?>) outcome;
        RetryDecision decision = policy.decide(call.attempt(), Duration.ofMillis(call.retry().delayMs()), failure.retryAfter(),
                call.deadline(), clock.instant(), random);
        if (decision instanceof RetryDecision.Retry retry) {
            return retry(call, retry, failure.error());
        }
        RetryDecision.Drop dropped = (RetryDecision.Drop) decision;
        return drop(call.source(), call.origin(), dropped.reason(), failure.error(), call.attempt(), call.request().requestId());
    }

    Routed drop(Record<byte[], byte[]> source, ProcessorRecordContext origin, DropReason reason, String error, int attempts,
                String requestId) {
        Headers headers = new RecordHeaders(source.headers().toArray());
        PipelineHeaders.put(headers, PipelineHeaders.DROP_REASON, reason.name());
        PipelineHeaders.put(headers, PipelineHeaders.LAST_ERROR, error);
        PipelineHeaders.put(headers, PipelineHeaders.ATTEMPTS, attempts);
        if (requestId != null) {
            PipelineHeaders.put(headers, PipelineHeaders.REQUEST_ID, requestId);
        }
        keepOriginalCoordinates(headers, origin);
        PipelineHeaders.put(headers, PipelineHeaders.DROPPED_AT, clock.millis());
        stats.dropped(reason);
        return new Routed(DROPPED, new Record<>(source.key(), source.value(), source.timestamp(), headers), origin, reason);
    }

    private Routed retry(Call call, RetryDecision.Retry retry, String error) {
        Headers headers = new RecordHeaders(call.source().headers().toArray());
        call.retry().next(retry.due().toEpochMilli(), retry.delay().toMillis()).writeTo(headers);
        PipelineHeaders.put(headers, PipelineHeaders.LAST_ERROR, error);
        PipelineHeaders.put(headers, PipelineHeaders.REQUEST_ID, call.request().requestId());
        keepOriginalCoordinates(headers, call.origin());
        stats.retryScheduled(retry.nextAttempt());
        Record<byte[], byte[]> record = new Record<>(call.source().key(), call.source().value(), call.source().timestamp(), headers);
        return new Routed(delaySink(call.attempt()), record, call.origin(), null);
    }

    /** The first hop records where the request came from; later hops (delay topics) keep that, not their own coordinates. */
    private static void keepOriginalCoordinates(Headers headers, ProcessorRecordContext origin) {
        if (origin.topic() != null) {
            keepOriginalCoordinates(headers, origin.topic(), origin.partition(), origin.offset());
        }
    }

    static void keepOriginalCoordinates(Headers headers, String topic, int partition, long offset) {
        if (PipelineHeaders.get(headers, PipelineHeaders.ORIGINAL_TOPIC) == null) {
            PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_TOPIC, topic);
            PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_PARTITION, partition);
            PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_OFFSET, offset);
        }
    }

    private Routed result(Call call, Outcome.Success<?> success) {
        Headers headers = new RecordHeaders();
        byte[] value = binding.writeResult(resultsTopic, headers, call.request(), success.value(), clock.millis());
        int size = (value == null ? 0 : value.length) + (call.source().key() == null ? 0 : call.source().key().length);
        if (size > maxResultBytes) {
            return drop(call.source(), call.origin(), DropReason.RESULT_TOO_LARGE, "result of " + size
                    + " bytes exceeds the producer's max.request.size of " + maxResultBytes, call.attempt(), call.request().requestId());
        }
        stats.result();
        return new Routed(RESULTS, new Record<>(call.source().key(), value, call.source().timestamp(), headers), call.origin(), null);
    }
}
