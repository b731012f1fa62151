package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Deadlines;
import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.handler.RecordHandler;
import io.backpressure.pipeline.handler.RequestIds;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * How the core reads one kind of record and answers it: the user's key and value deserializers, where the request id
 * and the deadline come from, the handler, and how a result is written. The core itself moves only bytes and headers
 * (a retry or a drop carries the original bytes), so this is the one place the user's types appear; its casts are
 * safe because every {@link PipelineRecord} the core hands back to it was made by it.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type
 */
public final class RecordBinding<K, V, R> {
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private final RequestIds<K, V> requestIds;
    private final Deadlines<K, V> deadlines;
    private final RecordHandler<K, V, R> handler;
    private final ResultWriter<K, V, R> results;

    RecordBinding(Deserializer<K> keys, Deserializer<V> values, RequestIds<K, V> requestIds, Deadlines<K, V> deadlines,
                  RecordHandler<K, V, R> handler, ResultWriter<K, V, R> results) {
        this.keys = Objects.requireNonNull(keys, "key deserializer");
        this.values = Objects.requireNonNull(values, "value deserializer");
        this.requestIds = Objects.requireNonNull(requestIds, "request ids");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.results = Objects.requireNonNull(results, "result writer");
    }

    /** Records of the user's own types: a result is the handler's value written with {@code resultSerializer}. */
    public static <K, V, R> RecordBinding<K, V, R> of(Deserializer<K> keys, Deserializer<V> values, Serializer<R> resultSerializer,
                                                     RequestIds<K, V> requestIds, Deadlines<K, V> deadlines,
                                                     RecordHandler<K, V, R> handler) {
        Objects.requireNonNull(resultSerializer, "result serializer");
        return new RecordBinding<>(keys, values, requestIds, deadlines, handler,
                (topic, headers, request, value, nowMs) -> resultSerializer.serialize(topic, headers, value));
    }

    /**
     * Reads one record of attempt {@code attempt}, read from {@code topic} at {@code partition}/{@code offset} (which the
     * original coordinates in a retry's headers replace).
     *
     * @throws RequestDecoder.Undecodable when its bytes, or the request id or deadline in them, can never be read
     */
    PipelineRecord<K, V> read(RequestDecoder decoder, Record<byte[], byte[]> raw, String topic, int partition, long offset,
                              int attempt) {
        Headers headers = PipelineHeaders.withoutOwn(raw.headers());
        K key = decoder.key(keys, topic, headers, raw.key());
        V value = decoder.value(values, topic, headers, raw.value());
        String originalTopic = PipelineHeaders.get(raw.headers(), PipelineHeaders.ORIGINAL_TOPIC);
        if (originalTopic != null) {
            // A retry (read from a delay topic) or a call resumed from the in-flight store: the pipeline wrote where the
            // request entered it (headers on input records are stripped before this, so these are never forged).
            topic = originalTopic;
            partition = (int) PipelineHeaders.getLong(raw.headers(), PipelineHeaders.ORIGINAL_PARTITION, partition);
            offset = PipelineHeaders.getLong(raw.headers(), PipelineHeaders.ORIGINAL_OFFSET, offset);
        }
        String requestId;
        Instant deadline;
        try {
            requestId = requestIds.requestId(key, value, headers);
            deadline = deadlines.deadline(key, value, headers, raw.timestamp());
        } catch (RuntimeException e) {
            throw new RequestDecoder.Undecodable(FailureClassifier.describe(e));
        }
        if (requestId == null) {
            requestId = topic + "-" + partition + "@" + offset;
        }
        return new PipelineRecord<>(key, value, headers, topic, partition, offset, raw.timestamp(), attempt, requestId, deadline);
    }

    @SuppressWarnings("unchecked")
    CompletionStage<Outcome<R>> call(PipelineRecord<?, ?> request) {
        return handler.handle((PipelineRecord<K, V>) request);
    }

    /** The result value's bytes; {@code headers} are the result record's, for a serializer that writes some. */
    @SuppressWarnings("unchecked")
    byte[] writeResult(String topic, Headers headers, PipelineRecord<?, ?> request, Object value, long nowMs) {
        return results.write(topic, headers, (PipelineRecord<K, V>) request, (R) value, nowMs);
    }

    RecordHandler<K, V, R> handler() {
        return handler;
    }

    /** How a successful call's value becomes the bytes of its result record. */
    @FunctionalInterface
    interface ResultWriter<K, V, R> {
        byte[] write(String topic, Headers headers, PipelineRecord<K, V> request, R value, long nowMs);
    }
}
