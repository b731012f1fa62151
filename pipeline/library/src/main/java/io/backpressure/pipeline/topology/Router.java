package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.retry.Fate;
import io.backpressure.pipeline.retry.RetryPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Routes a finished call where the {@link RetryPolicy} decided it goes ({@link Fate}): a success becomes a result on the
 * results topic, written by the binding; a retry goes, with its original bytes and its next retry state, to the delay
 * topic of its attempt; a drop goes to the dropped topic with the original bytes and the reason in headers. A result larger than the producer
 * may send is dropped as {@link DropReason#RESULT_TOO_LARGE} here, rather than failing the stream thread over and over
 * on the same record.
 */
final class Router {
    static final String RESULTS = "results-sink";
    static final String DROPPED = "dropped-sink";
    private static final String DELAY_SINK_PREFIX = "delay-sink-";
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
        return DELAY_SINK_PREFIX + failedAttempt;
    }

    static boolean isDelaySink(String child) {
        return child.startsWith(DELAY_SINK_PREFIX);
    }

    /** @param nowMs when the call finished: the time its retry is due from, and its result's completion time */
    Routed route(Call call, long nowMs, RandomGenerator random) {
        Fate fate = policy.afterCall(call.retry(), call.deadline(), call.outcome(), Instant.ofEpochMilli(nowMs), random);
        if (fate instanceof Fate.Retry retry) {
            return retry(call, retry, ((Outcome.RetryableFailure<?>) call.outcome()).error());
        }
        if (fate instanceof Fate.Drop drop) {
            return drop(call.source(), call.origin(), drop.reason(), drop.error(), call.attempt(), call.request().requestId());
        }
        return result(call, ((Outcome.Success<?>) call.outcome()).value(), nowMs);
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

    private Routed retry(Call call, Fate.Retry retry, String error) {
        Headers headers = new RecordHeaders(call.source().headers().toArray());
        retry.next().writeTo(headers);
        PipelineHeaders.put(headers, PipelineHeaders.LAST_ERROR, error);
        PipelineHeaders.put(headers, PipelineHeaders.REQUEST_ID, call.request().requestId());
        keepOriginalCoordinates(headers, call.origin());
        stats.retryScheduled(retry.next().attempt());
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

    private Routed result(Call call, Object resultValue, long nowMs) {
        Headers headers = new RecordHeaders();
        byte[] value = binding.writeResult(resultsTopic, headers, call.request(), resultValue, nowMs);
        int size = (value == null ? 0 : value.length) + (call.source().key() == null ? 0 : call.source().key().length);
        if (size > maxResultBytes) {
            return drop(call.source(), call.origin(), DropReason.RESULT_TOO_LARGE, "result of " + size
                    + " bytes exceeds the producer's max.request.size of " + maxResultBytes, call.attempt(), call.request().requestId());
        }
        stats.result();
        return new Routed(RESULTS, new Record<>(call.source().key(), value, call.source().timestamp(), headers), call.origin(), null);
    }
}
