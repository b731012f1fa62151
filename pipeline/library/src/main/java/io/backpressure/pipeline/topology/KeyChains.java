package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.topology.TimerEntry.Located;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Key mode: for each key whose head is a call in flight, the key's next parked requests prepared as calls, each linked
 * to the one before it ({@link Call#follow}), so that a call's completion starts the next at once ({@link Dispatcher})
 * rather than when the stream thread next looks, which under load took longer than the call itself. The stream thread
 * still owns the order: it admits each started follower when it forwards the call before it ({@link KeyOrder} and the
 * in-flight store change there, in the same commit as that outcome), and it extends the chain from the parked store.
 *
 * <p>At most {@value #AHEAD} followers per key are prepared ahead, so the stream thread may fall that many calls behind
 * before a key waits for it again; a prepared follower holds its decoded request in memory. A chain ends where a call
 * finishes without starting its follower (a retryable failure, a time-out, a full window, a deadline): the followers
 * are dropped, and the key's next request is admitted from the parked store as without chains.
 */
final class KeyChains {
    static final int AHEAD = 8;

    private final KeyOrder order;
    /** Prepares a parked request as a follower: decoded, deadline checked; null if it cannot be called. */
    private final BiFunction<Record<byte[], byte[]>, ProcessorRecordContext, Call> prepare;
    private final Map<Bytes, Chain> chains = new HashMap<>();

    private static final class Chain {
        private Call tail;
        private long tailOffset;
        /** Followers prepared and linked, not yet admitted. */
        private int ahead;
        /** Every request parked behind the key is in the chain: a newly parked one may be linked at once. */
        private boolean complete;
        /** The chain cannot grow: a parked request could not be prepared, or the tail finished first. */
        private boolean ended;

        private Chain(Call head, long offset) {
            this.tail = head;
            this.tailOffset = offset;
        }
    }

    KeyChains(KeyOrder order, BiFunction<Record<byte[], byte[]>, ProcessorRecordContext, Call> prepare) {
        this.order = order;
        this.prepare = prepare;
    }

    /** A new record found its key free and was admitted as {@code head}: nothing is parked behind it yet. */
    void headEntered(byte[] key, Call head, long offset) {
        if (key != null && head != null) {
            Chain chain = new Chain(head, offset);
            chain.complete = true;
            chains.put(Bytes.wrap(key), chain);
        }
    }

    /** A parked request was admitted as its key's head: its chain starts with the requests parked behind it. */
    void headReleased(byte[] key, Call head, long offset) {
        if (key != null && head != null) {
            Chain chain = new Chain(head, offset);
            chains.put(Bytes.wrap(key), chain);
            extend(key, chain);
        }
    }

    /** A request was parked behind its key's head: linked at once when everything parked before it is in the chain. */
    void parked(Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        Chain chain = chains.get(Bytes.wrap(request.key()));
        if (chain == null || chain.ended) {
            return;
        }
        if (!chain.complete || chain.ahead >= AHEAD) {
            chain.complete = false;
            return;
        }
        link(chain, request, origin);
    }

    /** A call finished and started its follower, which the stream thread admitted: one more may be prepared. */
    void followerAdmitted(byte[] key) {
        Chain chain = chains.get(Bytes.wrap(key));
        if (chain != null) {
            chain.ahead--;
            extend(key, chain);
        }
    }

    /** A call of the key finished without starting a follower: the prepared followers are void. */
    void broken(byte[] key) {
        if (key != null) {
            chains.remove(Bytes.wrap(key));
        }
    }

    private void extend(byte[] key, Chain chain) {
        while (!chain.ended && chain.ahead < AHEAD) {
            Located next = order.parkedAfter(key, chain.tailOffset);
            if (next == null) {
                chain.complete = true;
                return;
            }
            link(chain, next.record(), next.context());
        }
    }

    private void link(Chain chain, Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        Call follower = prepare.apply(request, origin);
        if (follower == null || !chain.tail.follow(follower)) {
            chain.ended = true;
            return;
        }
        chain.tail = follower;
        chain.tailOffset = origin.offset();
        chain.ahead++;
    }
}
