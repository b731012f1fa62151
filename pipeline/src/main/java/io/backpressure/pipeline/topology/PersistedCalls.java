package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.PipelineStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
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
        Record<byte[], byte[]> record() {
            return batch.records.get(index);
        }
    }

    /** One entry of the store: its requests, and which of them still wait for a committed outcome. */
    static final class Batch {
        private final long key;
        private final List<Record<byte[], byte[]>> records;
        private final BitSet open = new BitSet();

        private Batch(long key, List<Record<byte[], byte[]>> records) {
            this.key = key;
            this.records = records;
            open.set(0, records.size());
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
                Batch batch = new Batch(entry.key, decode(entry.value));
                for (int i = 0; i < batch.records.size(); i++) {
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

    /**
     * Writes the requests of calls the commit passes unanswered, and tells each call its slot.
     *
     * @param stored the record to store for a call: its request with its retry state and original coordinates
     */
    void persist(Collection<Call> calls, Function<Call, Record<byte[], byte[]>> stored) {
        if (calls.isEmpty()) {
            return;
        }
        List<Call> batchCalls = new ArrayList<>();
        int bytes = 0;
        for (Call call : calls) {
            int size = TimerEntry.encodedSize(call.source());
            if (!batchCalls.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                write(batchCalls, stored);
                batchCalls = new ArrayList<>();
                bytes = 0;
            }
            batchCalls.add(call);
            bytes += size;
        }
        write(batchCalls, stored);
        stats.callsPersisted(calls.size());
    }

    private void write(List<Call> calls, Function<Call, Record<byte[], byte[]>> stored) {
        List<Record<byte[], byte[]>> records = new ArrayList<>(calls.size());
        for (Call call : calls) {
            records.add(stored.apply(call));
        }
        Batch batch = new Batch(nextKey++, records);
        store.put(batch.key, encode(batch));
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
                store.put(batch.key, encode(batch));
            }
        }
        changed.clear();
    }

    /** The open requests of a batch: a count, then each as a length and {@link TimerEntry#encode} bytes. */
    private static byte[] encode(Batch batch) {
        List<byte[]> encoded = new ArrayList<>(batch.open.cardinality());
        int size = 4;
        for (int i = batch.open.nextSetBit(0); i >= 0; i = batch.open.nextSetBit(i + 1)) {
            byte[] bytes = TimerEntry.encode(batch.records.get(i));
            encoded.add(bytes);
            size += 4 + bytes.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(encoded.size());
        for (byte[] bytes : encoded) {
            buffer.putInt(bytes.length).put(bytes);
        }
        return buffer.array();
    }

    static List<Record<byte[], byte[]>> decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int count = buffer.getInt();
        List<Record<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[buffer.getInt()];
            buffer.get(bytes);
            records.add(TimerEntry.decode(bytes));
        }
        return records;
    }
}
