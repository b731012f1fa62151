package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.topology.TimerEntry.Located;
import io.backpressure.pipeline.metrics.PipelineStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-key order for one task ({@code pipeline.ordering=key}): each key has at most one request at a time, its head, in
 * flight, queued for a slot or waiting for a retry; the key's later requests are parked in the task's changelogged
 * store, in input order, and the next one becomes the head when the head's outcome is final (a result or a drop).
 *
 * <p>The store holds two kinds of entry. {@code H key} names the head by its input offset; {@code P key offset} is a
 * parked request with its input coordinates. A released request keeps its parked entry until it is admitted, so at
 * every commit a request is parked, persisted in flight or in a delay topic or the timer store, or answered: a head
 * whose parked entry is still there after a restart is admitted again first. Records without a key are not ordered.
 * This holds because, under exactly_once_v2 (which key mode requires), the store's writes, the calls persisted in
 * flight and the input offsets commit in one transaction.
 */
final class KeyOrder {
    private static final byte HEAD = 'H';
    private static final byte PARKED = 'P';

    private final KeyValueStore<Bytes, byte[]> store;
    private final int maxParked;
    private final PipelineStats stats;
    private int parked;
    /*
     * The store's heads and parked counts, mirrored in memory: most requests of many keys never wait, and looking for a
     * key's head or its next parked request in RocksDB (a read, an iterator) for each of them cost more than the call's
     * routing. Loaded when the processor opens (also after a transaction aborts, which reopens it), kept in step with
     * every write; as bounded as the store itself.
     */
    private final Map<Bytes, Long> heads = new HashMap<>();
    private final Map<Bytes, Integer> parkedPerKey = new HashMap<>();

    KeyOrder(KeyValueStore<Bytes, byte[]> store, int maxParked, PipelineStats stats) {
        this.store = store;
        this.maxParked = maxParked;
        this.stats = stats;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                byte[] key = entry.key.get();
                if (key[0] == HEAD) {
                    heads.put(Bytes.wrap(Arrays.copyOfRange(key, 1, key.length)), ByteBuffer.wrap(entry.value).getLong());
                } else {
                    int length = ByteBuffer.wrap(key, 1, 4).getInt();
                    parkedPerKey.merge(Bytes.wrap(Arrays.copyOfRange(key, 5, 5 + length)), 1, Integer::sum);
                    parked++;
                }
            }
        }
        stats.keyParked(parked);
    }

    /** The processor closes: its parked requests leave the instance's count (the task's next owner counts them). */
    void close() {
        stats.keyParked(-parked);
        parked = 0;
    }

    /**
     * The store as a restart or a new owner finds it: the heads that were released but not yet admitted, in input
     * order per key.
     */
    List<Located> open() {
        List<Located> released = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.prefixScan(Bytes.wrap(new byte[] {PARKED}), new BytesSerializer())) {
            while (all.hasNext()) {
                Located request = TimerEntry.decodeLocated(ByteBuffer.wrap(all.next().value));
                Bytes key = Bytes.wrap(request.record().key());
                Long head = heads.get(key);
                if (head == null) {
                    // Not written by this class (a head is named before its successor is parked); free the key with it.
                    heads.put(key, request.offset());
                    store.put(headKey(request.record().key()), offsetBytes(request.offset()));
                    released.add(request);
                } else if (head == request.offset()) {
                    released.add(request);
                }
            }
        }
        return released;
    }

    /**
     * A new input record: true when its key was free (it is now the key's head, to be admitted), false when it was
     * parked behind the key's head.
     */
    boolean enter(Record<byte[], byte[]> record, String topic, int partition, long offset) {
        byte[] key = record.key();
        if (key == null) {
            return true;
        }
        Bytes k = Bytes.wrap(key);
        if (!heads.containsKey(k)) {
            heads.put(k, offset);
            store.put(headKey(key), offsetBytes(offset));
            return true;
        }
        store.put(parkedKey(key, offset), TimerEntry.encodeLocated(new Located(record, topic, partition, offset)));
        parkedPerKey.merge(k, 1, Integer::sum);
        parked++;
        stats.keyParked(1);
        return false;
    }

    /** Whether as many requests are parked as {@code pipeline.ordering.max-parked} allows. */
    boolean full() {
        return parked >= maxParked;
    }

    int parked() {
        return parked;
    }

    /** A released head is admitted: from now on it is a call like any other, persisted or answered. */
    void admitted(Located request) {
        store.delete(parkedKey(request.record().key(), request.offset()));
        parkedPerKey.computeIfPresent(Bytes.wrap(request.record().key()), (key, count) -> count == 1 ? null : count - 1);
        parked--;
        stats.keyParked(-1);
    }

    /**
     * A request's outcome is final. If it is its key's head, the key passes to the next parked request, returned to
     * be admitted; with none parked the key is free.
     *
     * @param offset the request's input offset (its original one, for a retry)
     */
    Located finished(byte[] key, long offset) {
        if (key == null) {
            return null;
        }
        if (!isHead(key, offset)) {
            return null;
        }
        Located next = parkedAfter(key, -1);
        if (next != null) {
            heads.put(Bytes.wrap(key), next.offset());
            store.put(headKey(key), offsetBytes(next.offset()));
        } else {
            heads.remove(Bytes.wrap(key));
            store.delete(headKey(key));
        }
        return next;
    }

    /** Whether the request at input offset {@code offset} is its key's head. */
    boolean isHead(byte[] key, long offset) {
        Long head = heads.get(Bytes.wrap(key));
        return head != null && head == offset;
    }

    private boolean anyParked(byte[] key) {
        return parkedPerKey.containsKey(Bytes.wrap(key));
    }

    /** The key's first request parked after input offset {@code offset} (-1: its first); null when none is. */
    Located parkedAfter(byte[] key, long offset) {
        if (!anyParked(key)) {
            return null;
        }
        try (KeyValueIterator<Bytes, byte[]> next = store.range(parkedKey(key, offset + 1), parkedKey(key, Long.MAX_VALUE))) {
            return next.hasNext() ? TimerEntry.decodeLocated(ByteBuffer.wrap(next.next().value)) : null;
        }
    }

    private static Bytes headKey(byte[] key) {
        return Bytes.wrap(ByteBuffer.allocate(1 + key.length).put(HEAD).put(key).array());
    }

    /**
     * The key's length first, so that one key's entries never fall in another, longer key's range; big-endian offsets
     * sort a key's parked requests in input order.
     */
    private static Bytes parkedKey(byte[] key, long offset) {
        return Bytes.wrap(ByteBuffer.allocate(1 + 4 + key.length + 8).put(PARKED).putInt(key.length).put(key).putLong(offset).array());
    }

    private static byte[] offsetBytes(long offset) {
        return ByteBuffer.allocate(8).putLong(offset).array();
    }
}
