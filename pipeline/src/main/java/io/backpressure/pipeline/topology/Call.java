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
 * finished, the outcome. A call is the same object from dispatch to routing, so a task can keep the calls it has in
 * flight in a set.
 */
final class Call {
    private final WorkRequest request;
    private final Record<byte[], byte[]> source;
    private final ProcessorRecordContext origin;
    private final RetryState retry;
    private final Instant deadline;
    private final long startedAtMillis;
    /** Set on the stream thread only: when the call is dispatched, and when a commit persists it. */
    private Bytes timerKey;
    /** Written once by whichever thread settles the call; read on the stream thread after the queue hand-off. */
    private volatile Outcome outcome;

    /**
     * @param deadline when the request stops being worth doing; null for never
     * @param timerKey the timer-store entry that holds this request until its outcome is routed (a released retry, or
     *                 a call persisted by an earlier commit); null while nothing holds it
     */
    Call(WorkRequest request, Record<byte[], byte[]> source, ProcessorRecordContext origin, RetryState retry, Instant deadline,
         long startedAtMillis, Bytes timerKey) {
        this.request = request;
        this.source = source;
        this.origin = origin;
        this.retry = retry;
        this.deadline = deadline;
        this.startedAtMillis = startedAtMillis;
        this.timerKey = timerKey;
    }

    WorkRequest request() {
        return request;
    }

    Record<byte[], byte[]> source() {
        return source;
    }

    ProcessorRecordContext origin() {
        return origin;
    }

    RetryState retry() {
        return retry;
    }

    int attempt() {
        return retry.attempt();
    }

    Instant deadline() {
        return deadline;
    }

    long startedAtMillis() {
        return startedAtMillis;
    }

    Bytes timerKey() {
        return timerKey;
    }

    /** A commit wrote this call's request to the timer store under {@code key}: it is deleted once the outcome is routed. */
    void persistedAs(Bytes key) {
        this.timerKey = key;
    }

    Outcome outcome() {
        return outcome;
    }

    Call finished(Outcome result) {
        this.outcome = result;
        return this;
    }
}
