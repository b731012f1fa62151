package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Decides where a finished call goes: a success becomes a {@link WorkResult} on the results topic; a failure that
 * cannot or may not be retried goes to the dropped topic with the request's original bytes and the reason in headers.
 */
final class Router {
    static final String RESULTS = "results-sink";
    static final String DROPPED = "dropped-sink";

    private final Serializer<WorkResult> resultSerializer;
    private final String resultsTopic;
    private final int maxAttempts;
    private final Clock clock;

    Router(Serializer<WorkResult> resultSerializer, String resultsTopic, int maxAttempts, Clock clock) {
        this.resultSerializer = resultSerializer;
        this.resultsTopic = resultsTopic;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    Routed route(Call call) {
        Outcome outcome = call.outcome();
        if (outcome instanceof Outcome.Success success) {
            return result(call, success);
        }
        if (outcome instanceof Outcome.NonRetryableFailure failure) {
            return drop(call.source(), call.origin(), DropReason.NON_RETRYABLE, failure.error(), call.attempt(),
                    call.request().getRequestId());
        }
        Outcome.RetryableFailure failure = (Outcome.RetryableFailure) outcome;
        return drop(call.source(), call.origin(), DropReason.RETRIES_EXHAUSTED, failure.error(), Math.max(call.attempt(), maxAttempts),
                call.request().getRequestId());
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
        PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_TOPIC, origin.topic());
        PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_PARTITION, origin.partition());
        PipelineHeaders.put(headers, PipelineHeaders.ORIGINAL_OFFSET, origin.offset());
        PipelineHeaders.put(headers, PipelineHeaders.DROPPED_AT, clock.millis());
        return new Routed(DROPPED, new Record<>(source.key(), source.value(), source.timestamp(), headers), origin, reason);
    }

    private Routed result(Call call, Outcome.Success success) {
        long now = clock.millis();
        WorkResult result = WorkResult.newBuilder()
                .setRequestId(call.request().getRequestId())
                .setAttempts(call.attempt())
                .setCompletedAt(java.time.Instant.ofEpochMilli(now))
                .setLatencyMs(now - call.request().getCreatedAt().toEpochMilli())
                .setOutput(ByteBuffer.wrap(success.output() == null ? new byte[0] : success.output()))
                .build();
        Headers headers = new RecordHeaders();
        byte[] value = resultSerializer.serialize(resultsTopic, headers, result);
        return new Routed(RESULTS, new Record<>(call.source().key(), value, call.source().timestamp(), headers), call.origin(), null);
    }
}
