package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.retry.RetryState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * One handler call of one request: the request, the record it came from (its original bytes are what a drop or a
 * retry carries), the record context its outcome is forwarded under, where it stands in its retries and, once
 * finished, the outcome. A call is the same object from dispatch to routing, so a task can keep the calls it has in
 * flight in a list ({@link UnpersistedCalls}).
 */
final class Call {
    private static final VarHandle SUCCESSOR;
    /** Taken by the call's completion: nothing can be handed on any more. */
    private static final Call CLOSED = new Call(null, null, null, null, null, null);

    static {
        try {
            SUCCESSOR = MethodHandles.lookup().findVarHandle(Call.class, "successor", Call.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PipelineRecord<?, ?> request;
    private final Record<byte[], byte[]> source;
    private final ProcessorRecordContext origin;
    private final RetryState retry;
    private final Bytes timerKey;
    /** Where the in-flight store holds this call's request; set on the stream thread only. */
    private PersistedCalls.Slot slot;
    /**
     * Written once by whichever thread settles the call, read on the stream thread after the finished-calls queue hands
     * the call over (or on the stream thread that settled it): the queue orders the two, so a volatile write (a fence on
     * every call) would add nothing.
     */
    private Outcome<?> outcome;
    /** When the call was settled ({@link System#nanoTime()}); written and read as {@link #outcome} is. */
    private long finishedNanos;
    /**
     * Key mode: the key's next request, prepared on the stream thread while this call runs, for the call's completion
     * to start at once ({@link #follow}); {@link #CLOSED} once the completion has looked. A VarHandle, not an atomic
     * reference, so that a call costs no second object.
     */
    @SuppressWarnings("unused")
    private volatile Call successor;
    /** The successor this call's completion started; written before the call is queued as finished, read after. */
    private Call handedOff;
    /** Links of {@link UnpersistedCalls}, which owns them: written and read on the stream thread only. */
    boolean unpersisted;
    Call olderUnpersisted;
    Call newerUnpersisted;

    /**
     * @param request  the record as its handler sees it
     * @param timerKey the timer-store entry a retry was released from, deleted once the outcome is routed; null
     *                 for a first attempt
     * @param slot     where the in-flight store holds the request: a call persisted by a previous owner of the task,
     *                 called again; null for a call not persisted (yet)
     */
    Call(PipelineRecord<?, ?> request, Record<byte[], byte[]> source, ProcessorRecordContext origin, RetryState retry, Bytes timerKey,
         PersistedCalls.Slot slot) {
        this.request = request;
        this.source = source;
        this.origin = origin;
        this.retry = retry;
        this.timerKey = timerKey;
        this.slot = slot;
    }

    PipelineRecord<?, ?> request() {
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
        return request.deadline();
    }

    Bytes timerKey() {
        return timerKey;
    }

    PersistedCalls.Slot slot() {
        return slot;
    }

    /** A commit wrote this call's request to the in-flight store: it is struck from there once the outcome is routed. */
    void persistedIn(PersistedCalls.Slot slot) {
        this.slot = slot;
    }

    Outcome<?> outcome() {
        return outcome;
    }

    /**
     * Key mode: offers the key's next request to be started by this call's completion. False when the call has already
     * completed (or something was offered before): the stream thread then admits the next request itself.
     */
    boolean follow(Call next) {
        return SUCCESSOR.compareAndSet(this, null, next);
    }

    /** The completing thread takes the offered successor, if any, and closes the offer. */
    Call takeSuccessor() {
        Call next = (Call) SUCCESSOR.getAndSet(this, CLOSED);
        return next == CLOSED ? null : next;
    }

    /** The completion started {@code next} in this call's window slot; the stream thread admits it when it forwards this call. */
    void handedOff(Call next) {
        this.handedOff = next;
    }

    Call handedOff() {
        return handedOff;
    }

    long finishedNanos() {
        return finishedNanos;
    }

    Call finished(Outcome<?> result, long atNanos) {
        this.finishedNanos = atNanos;
        this.outcome = result;
        return this;
    }
}
