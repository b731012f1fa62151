package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.schemas.WorkRequest;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * One handler call of one request: the request, the record it came from (its original bytes are what a drop or a
 * retry carries), the record context its outcome is forwarded under, and, once finished, the outcome.
 *
 * @param previousDelay the backoff this attempt waited; zero for a first attempt
 * @param deadline      when the request stops being worth doing; null for never
 */
record Call(WorkRequest request, Record<byte[], byte[]> source, ProcessorRecordContext origin, int attempt,
            Duration previousDelay, Instant deadline, long startedAtMillis, Outcome outcome) {

    Call finished(Outcome result) {
        return new Call(request, source, origin, attempt, previousDelay, deadline, startedAtMillis, result);
    }
}
