package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's calls that a commit found still in flight ({@code pipeline.commit.mode=persist}), in a changelogged
 * in-flight store. Each commit writes the requests it passes unanswered as one batch entry (split when large), in the
 * same commit as the offsets, instead of waiting for their calls. A batch shrinks as its calls' outcomes are routed
 * and is deleted once none is left; both happen in the commit after those outcomes are routed, after they are durable
 * (under at_least_once the producer is flushed first, under exactly_once_v2 it is one transaction). So the store holds
 * each request from the commit that passes its offset until the commit that holds its outcome, and never a request
 * whose outcome is already committed. It holds at most the task's calls in flight and queued for a slot: never more
 * than twice the window's capacity.
 *
 * <p>A batch per commit rather than an entry per call: a commit of a window of 1,000 then costs one write and one
 * delete per task, not a thousand of each.
 *
 * <p>When the task opens (after a crash, a rebalance or a restart) the requests in the store are those whose calls
 * never got a committed outcome: the processor calls them again before it takes new records.
 */
final class PersistedCalls {
    /** Largest batch value; a single larger request gets a batch of its own. Well under the producer's 1 MiB default. */
    private static final int MAX_BATCH_BYTES = 256 * 1024;

    private final KeyValueStore<Long, byte[]> store;
    private final Runnable flushProducerBeforeChanges;
    private final PipelineStats stats;
    private final List<Slot> restored = new ArrayList<>();
    /** Batches with a call routed since the last commit: rewritten without it, or deleted when empty. */
    private final Set<Batch> changed = new LinkedHashSet<>();
    private long nextKey;

    /** A request's place in a batch: what a call carries so its outcome can be struck from the store. */
    record Slot(Batch batch, int index) {
        /** The stored request, to call again: its record (with its original coordinates in headers) and retry state. */
        Stored stored() {
            return decodeCall(batch.calls.get(index));
        }
    }

    /** A persisted request as read back. */
    record Stored(Record<byte[], byte[]> record, RetryState state) {
    }

    /**
     * One entry of the store: its requests, each encoded once when persisted (a rewrite copies the bytes of those
     * still open), and which of them still wait for a committed outcome.
     */
    static final class Batch {
        private final long key;
        private final List<byte[]> calls;
        private final BitSet open = new BitSet();

        private Batch(long key, List<byte[]> calls) {
            this.key = key;
            this.calls = calls;
            open.set(0, calls.size());
        }
    }

    /** @param flushProducerBeforeChanges null under exactly_once_v2, where the changes are transactional */
    PersistedCalls(KeyValueStore<Long, byte[]> store, Runnable flushProducerBeforeChanges, PipelineStats stats) {
        this.store = store;
        this.flushProducerBeforeChanges = flushProducerBeforeChanges;
        this.stats = stats;
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                Batch batch = new Batch(entry.key, split(entry.value));
                for (int i = 0; i < batch.calls.size(); i++) {
                    restored.add(new Slot(batch, i));
                }
                nextKey = Math.max(nextKey, entry.key + 1);
            }
        }
    }

    /** The requests the store held when the task opened, oldest batch first; each is to be called again once. */
    List<Slot> takeRestored() {
        List<Slot> slots = List.copyOf(restored);
        restored.clear();
        return slots;
    }

    /** Writes the requests of calls the commit passes unanswered, and tells each call its slot. */
    void persist(Collection<Call> calls) {
        if (calls.isEmpty()) {
            return;
        }
        List<Call> batchCalls = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        int bytes = 0;
        for (Call call : calls) {
            byte[] one = encodeCall(call);
            if (!encoded.isEmpty() && bytes + one.length > MAX_BATCH_BYTES) {
                write(batchCalls, encoded);
                batchCalls = new ArrayList<>();
                encoded = new ArrayList<>();
                bytes = 0;
            }
            batchCalls.add(call);
            encoded.add(one);
            bytes += one.length;
        }
        write(batchCalls, encoded);
        stats.callsPersisted(calls.size());
    }

    private void write(List<Call> calls, List<byte[]> encoded) {
        Batch batch = new Batch(nextKey++, encoded);
        store.put(batch.key, join(batch));
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).persistedIn(new Slot(batch, i));
        }
    }

    /** A persisted call's outcome has been forwarded: its request leaves the store at the next commit. */
    void routed(Slot slot) {
        slot.batch.open.clear(slot.index);
        changed.add(slot.batch);
    }

    /** In the pre-commit hook, before new calls are persisted: strikes the requests whose outcomes are routed. */
    void beforeCommit() {
        if (changed.isEmpty()) {
            return;
        }
        if (flushProducerBeforeChanges != null) {
            flushProducerBeforeChanges.run();
        }
        for (Batch batch : changed) {
            if (batch.open.isEmpty()) {
                store.delete(batch.key);
            } else {
                store.put(batch.key, join(batch));
            }
        }
        changed.clear();
    }

    /** The open requests of a batch: a count, then each as a length and its {@link #encodeCall} bytes. */
    private static byte[] join(Batch batch) {
        int size = 4;
        for (int i = batch.open.nextSetBit(0); i >= 0; i = batch.open.nextSetBit(i + 1)) {
            size += 4 + batch.calls.get(i).length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(batch.open.cardinality());
        for (int i = batch.open.nextSetBit(0); i >= 0; i = batch.open.nextSetBit(i + 1)) {
            byte[] call = batch.calls.get(i);
            buffer.putInt(call.length).put(call);
        }
        return buffer.array();
    }

    private static List<byte[]> split(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int count = buffer.getInt();
        List<byte[]> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] call = new byte[buffer.getInt()];
            buffer.get(call);
            calls.add(call);
        }
        return calls;
    }

    /**
     * One request: its retry state (attempt, first attempt, delay, due time), then where it was read from and its
     * record as {@link TimerEntry#encodeLocated} writes them. Binary, so persisting a call costs a copy of its bytes
     * and no header formatting.
     */
    private static byte[] encodeCall(Call call) {
        RetryState state = call.retry();
        String topic = call.origin().topic() == null ? "" : call.origin().topic();
        byte[] located = TimerEntry.encodeLocated(new TimerEntry.Located(call.source(), topic, call.origin().partition(),
                call.origin().offset()));
        return ByteBuffer.allocate(4 + 8 * 3 + located.length)
                .putInt(state.attempt()).putLong(state.firstAttemptAtMs()).putLong(state.delayMs()).putLong(state.dueAtMs())
                .put(located).array();
    }

    private static Stored decodeCall(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        RetryState state = new RetryState(buffer.getInt(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        TimerEntry.Located located = TimerEntry.decodeLocated(buffer);
        if (!located.topic().isEmpty()) {
            Router.keepOriginalCoordinates(located.record().headers(), located.topic(), located.partition(), located.offset());
        }
        return new Stored(located.record(), state);
    }

    /** The requests an entry's value holds, as a new owner reads them back (for tests and tools). */
    static List<Stored> decode(byte[] value) {
        return split(value).stream().map(PersistedCalls::decodeCall).toList();
    }
}
