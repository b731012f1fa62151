package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.schemas.WorkRequest;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * One handler call of one request: the request, the record it came from (its original bytes are what a drop or a
 * retry carries), the record context its outcome is forwarded under, where it stands in its retries and, once
 * finished, the outcome.
 *
 * @param deadline when the request stops being worth doing; null for never
 * @param timerKey the timer-store entry a retry was released from, deleted once the outcome is routed; null for a
 *                 first attempt
 */
record Call(WorkRequest request, Record<byte[], byte[]> source, ProcessorRecordContext origin, RetryState retry,
            Instant deadline, long startedAtMillis, Bytes timerKey, Outcome outcome) {

    int attempt() {
        return retry.attempt();
    }

    Call finished(Outcome result) {
        return new Call(request, source, origin, retry, deadline, startedAtMillis, timerKey, result);
    }
}
