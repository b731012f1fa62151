package io.backpressure.pipeline.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * The timer store's layout. Keys sort by due time: 8 bytes big-endian due epoch-millis, then the delay topic's attempt
 * number and the record's offset there, which make the key unique and the same when a record is read again after a
 * crash (so a replayed put overwrites instead of duplicating). Values hold the whole record: key, value, headers
 * (the in-flight store's batches use the same record encoding).
 */
final class TimerEntry {
    private static final int KEY_LENGTH = 8 + 4 + 8;

    private TimerEntry() {
    }

    static Bytes key(long dueMillis, int attempt, long offset) {
        return Bytes.wrap(ByteBuffer.allocate(KEY_LENGTH).putLong(dueMillis).putInt(attempt).putLong(offset).array());
    }

    /** The largest key due at or before {@code nowMillis}: the upper bound of a release scan. */
    static Bytes lastKeyDueBy(long nowMillis) {
        return Bytes.wrap(ByteBuffer.allocate(KEY_LENGTH).putLong(nowMillis).putInt(-1).putLong(-1).array());
    }

    static long dueOf(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }

    /** A record and where it was read: the topic (empty when unknown), partition and offset. */
    record Located(Record<byte[], byte[]> record, String topic, int partition, long offset) {
        /** The context the record was read in: its outcome is forwarded, and its coordinates kept, as if read just now. */
        ProcessorRecordContext context() {
            return new ProcessorRecordContext(record.timestamp(), offset, partition, topic, record.headers());
        }
    }

    /** Where the record was read, then the record as {@link #encode} writes it (in-flight and key-order store values). */
    static byte[] encodeLocated(Located located) {
        byte[] topic = located.topic().getBytes(StandardCharsets.UTF_8);
        byte[] record = encode(located.record());
        return ByteBuffer.allocate(4 + topic.length + 4 + 8 + record.length)
                .putInt(topic.length).put(topic).putInt(located.partition()).putLong(located.offset()).put(record).array();
    }

    /** Reads what {@link #encodeLocated} wrote, from the buffer's position to its end. */
    static Located decodeLocated(ByteBuffer buffer) {
        byte[] topic = new byte[buffer.getInt()];
        buffer.get(topic);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        byte[] record = new byte[buffer.remaining()];
        buffer.get(record);
        return new Located(decode(record), new String(topic, StandardCharsets.UTF_8), partition, offset);
    }

    static byte[] encode(Record<byte[], byte[]> record) {
        Header[] headers = record.headers().toArray();
        int size = 8 + lengthOf(record.key()) + lengthOf(record.value()) + 4;
        for (Header h : headers) {
            size += lengthOf(h.key().getBytes(StandardCharsets.UTF_8)) + lengthOf(h.value());
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putLong(record.timestamp());
        put(buffer, record.key());
        put(buffer, record.value());
        buffer.putInt(headers.length);
        for (Header h : headers) {
            put(buffer, h.key().getBytes(StandardCharsets.UTF_8));
            put(buffer, h.value());
        }
        return buffer.array();
    }

    static Record<byte[], byte[]> decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long timestamp = buffer.getLong();
        byte[] key = get(buffer);
        byte[] value = get(buffer);
        int count = buffer.getInt();
        Headers headers = new RecordHeaders();
        for (int i = 0; i < count; i++) {
            headers.add(new String(get(buffer), StandardCharsets.UTF_8), get(buffer));
        }
        return new Record<>(key, value, timestamp, headers);
    }

    private static int lengthOf(byte[] bytes) {
        return 4 + (bytes == null ? 0 : bytes.length);
    }

    private static void put(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] get(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
