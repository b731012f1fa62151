package io.backpressure.pipeline.handler;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a record's request id comes from. It names the request in logs, in the headers of a retry or a drop, and in
 * the envelope's results. Null means "none": the pipeline then names the request by its input coordinates
 * ({@code topic-partition@offset}).
 */
@FunctionalInterface
public interface RequestIds<K, V> {

    String requestId(K key, V value, Headers headers);

    /** The value of the last header {@code name}, as UTF-8. */
    static <K, V> RequestIds<K, V> header(String name) {
        return (key, value, headers) -> {
            Header header = headers.lastHeader(name);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        };
    }

    /** The key's {@code toString()}: right when a key names one request, not when it names an entity with many. */
    static <K, V> RequestIds<K, V> key() {
        return (key, value, headers) -> key == null ? null : key.toString();
    }

    /** The default: the header {@code request-id} if the producer set one, else the input coordinates. */
    static <K, V> RequestIds<K, V> defaults() {
        return header("request-id");
    }
}
