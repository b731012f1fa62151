package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.retry.RetryState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's side of {@code pipeline.ordering=key}, for one incarnation of a task: which request of each key may
 * run ({@link KeyOrder}), the parked requests prepared to start the moment the call before them ends ({@link
 * KeyChains}, {@link Dispatcher}'s hand-off), and the heads released to be admitted at the next safe point (never
 * inside an admission's wait). Everything here runs on the stream thread; only the hand-off runs on the thread that
 * completes a call, and the stream thread admits what it started when it forwards that call.
 */
final class KeyMode {
    private static final Logger LOG = LoggerFactory.getLogger(KeyMode.class);
    private static final long PARKING_SLICE_NANOS = Duration.ofMillis(10).toNanos();

    /** What key mode needs from its processor. */
    interface Host {
        /** Admits a first attempt (decoded, deadline checked, a window slot); null if answered at once or dropped. */
        Call admit(Record<byte[], byte[]> record, ProcessorRecordContext origin);

        /** Waits up to {@code nanos} for a finished call, forwarding what finished. */
        void awaitFinished(long nanos);

        /** Admits the retries due by now. */
        void releaseDueRetries();

        /** A call its key's previous call started: in flight from now on, persisted at the next commit like any other. */
        void adopt(Call started);
    }

    private final KeyOrder order;
    private final KeyChains chains;
    private final ArrayDeque<TimerEntry.Located> released = new ArrayDeque<>();
    private final PipelineParts parts;
    private final RequestDecoder decoder;
    private final Host host;
    private final Clock clock;
    /** Whether a finished call may start its key's next request itself: in persist mode, while the task stays here. */
    private final AtomicBoolean handOffs;
    private final boolean handOffsWanted;

    KeyMode(KeyValueStore<Bytes, byte[]> store, PipelineParts parts, RequestDecoder decoder, boolean handOffsWanted, Host host) {
        this.order = new KeyOrder(store, parts.config().ordering().maxParked(), parts.instance().stats());
        this.chains = new KeyChains(order, this::prepareFollower);
        this.parts = parts;
        this.decoder = decoder;
        this.host = host;
        this.clock = parts.clock();
        this.handOffsWanted = handOffsWanted;
        this.handOffs = new AtomicBoolean(handOffsWanted);
    }

    /** Whether a finished call may start its key's next request itself now (see {@link Dispatcher}). */
    boolean handOffsAllowed() {
        return handOffs.get();
    }

    /** The task is leaving this thread: its next owner calls the parked requests again, so none starts here any more. */
    void stopHandOffs() {
        handOffs.set(false);
    }

    /** The task stayed (a rebalance took others): hand-offs resume. */
    void resumeHandOffs() {
        if (handOffsWanted && !handOffs.get()) {
            handOffs.set(true);
        }
    }

    /** Before the first record: the heads released but not admitted when the task was last committed come first. */
    void open() {
        released.addAll(order.open());
    }

    /**
     * Admits the heads released meanwhile, then makes this input record its key's head (true: admit it, then tell
     * {@link #headAdmitted}) or parks it behind the head (false). With the parked store full it first waits, bounded,
     * for keys to free, forwarding finished calls and releasing due retries meanwhile; past the bound it parks one more,
     * as the retry timers do.
     */
    boolean enter(Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        admitReleased();
        if (order.full()) {
            long deadline = System.nanoTime() + parts.config().maxBlock().toNanos();
            while (order.full() && System.nanoTime() < deadline) {
                host.awaitFinished(Math.min(deadline - System.nanoTime(), PARKING_SLICE_NANOS));
                host.releaseDueRetries();
                admitReleased();
            }
            if (order.full()) {
                LOG.warn("{} requests parked behind busy keys (pipeline.ordering.max-parked) and none freed within {} ms: parking one more",
                        order.parked(), parts.config().maxBlock().toMillis());
            }
        }
        if (order.enter(request, origin.topic(), origin.partition(), origin.offset())) {
            return true;
        }
        chains.parked(request, origin);
        return false;
    }

    /** The record {@link #enter} let through was admitted as {@code head} (null if answered at once or dropped). */
    void headAdmitted(Record<byte[], byte[]> request, ProcessorRecordContext origin, Call head) {
        chains.headEntered(request.key(), head, origin.offset());
    }

    /** Admits the heads whose predecessor finished, as first attempts read from their own input coordinates. */
    void admitReleased() {
        TimerEntry.Located next;
        while ((next = released.poll()) != null) {
            order.admitted(next);
            chains.headReleased(next.record().key(), host.admit(next.record(), next.context()), next.offset());
        }
    }

    /** A retry was admitted as {@code retry}: if it is its key's head, the key's parked requests may follow it. */
    void retryAdmitted(Record<byte[], byte[]> record, ProcessorRecordContext origin, Call retry) {
        byte[] key = record.key();
        if (retry != null && key != null) {
            long offset = originalOffset(record, origin);
            if (order.isHead(key, offset)) {
                chains.headReleased(key, retry, offset);
            }
        }
    }

    /** A call is being forwarded; if it started no follower, its key's prepared followers are void. */
    void forwarding(Call call) {
        if (call.handedOff() == null) {
            chains.broken(call.source().key());
        }
    }

    /** Whether a retry of this request waits in the timer store at once, not in a delay topic (a keyed head's). */
    static boolean holdsRetry(Record<byte[], byte[]> request, Routed routed) {
        return request.key() != null && Router.isDelaySink(routed.child());
    }

    /**
     * An outcome was emitted. A final one passes the key to the next parked request: admitted at the next safe point,
     * or at once if the finished call already started it ({@code handedOff}).
     */
    void emitted(Routed routed, Record<byte[], byte[]> request, ProcessorRecordContext origin, Call handedOff) {
        boolean isFinal = Router.RESULTS.equals(routed.child()) || Router.DROPPED.equals(routed.child());
        if (!isFinal && handedOff == null) {
            return;
        }
        TimerEntry.Located next = isFinal ? order.finished(request.key(), originalOffset(request, origin)) : null;
        if (handedOff == null) {
            if (next != null) {
                released.add(next);
            }
            return;
        }
        host.adopt(handedOff);
        if (next == null || next.offset() != handedOff.origin().offset()) {
            // Only a delay-topic record dropped as INVALID_RETRY_STATE while claiming this key's head (forged, or stale
            // from an earlier owner) can pass the key on behind a call's back. The started call runs to its outcome
            // like any other rather than stop the stream thread, and the key's order follows the store from here.
            LOG.warn("key order: the call started after input offset {} (offset {}) was no longer its key's next request (that is {}): "
                    + "a delay-topic record released the key meanwhile; it runs as well", originalOffset(request, origin),
                    handedOff.origin().offset(), next == null ? "none" : "offset " + next.offset());
            chains.broken(request.key());
            return;
        }
        order.admitted(next);
        parts.instance().stats().keyHandedOff();
        chains.followerAdmitted(request.key());
    }

    /** The processor closes. */
    void close() {
        stopHandOffs();
        order.close();
    }

    /** The request's input offset: a retry's or a released request's original one, else where it was read. */
    static long originalOffset(Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        return PipelineHeaders.getLong(request.headers(), PipelineHeaders.ORIGINAL_OFFSET, origin.offset());
    }

    /**
     * The call a head's completion may start for the key's next request, decoded now; null if it cannot be called
     * (undecodable, or its deadline passed), which the stream thread then routes when the key passes to it.
     */
    private Call prepareFollower(Record<byte[], byte[]> record, ProcessorRecordContext origin) {
        RetryState first = RetryState.first(clock.millis());
        PipelineRecord<?, ?> request;
        try {
            request = parts.binding().read(decoder, record, origin.topic(), origin.partition(), origin.offset(), first.attempt());
        } catch (RequestDecoder.Undecodable undecodable) {
            return null;
        }
        if (parts.retryPolicy().beforeCall(first, request.deadline(), clock.instant()) != null) {
            return null;
        }
        return new Call(request, record, origin, first, null, null);
    }
}
