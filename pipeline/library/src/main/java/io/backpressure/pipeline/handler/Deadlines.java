package io.backpressure.pipeline.handler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a record's deadline comes from: the instant after which it is not worth calling any more (it is dropped as
 * {@code DEADLINE_EXCEEDED} instead). Null means no deadline.
 */
@FunctionalInterface
public interface Deadlines<K, V> {

    Instant deadline(K key, V value, Headers headers, long timestampMs);

    /** {@code ttl} after the record's timestamp; none when {@code ttl} is zero ({@code pipeline.retry.default-ttl}). */
    static <K, V> Deadlines<K, V> afterTimestamp(Duration ttl) {
        return (key, value, headers, timestampMs) -> ttl.isZero() ? null : Instant.ofEpochMilli(timestampMs).plus(ttl);
    }

    /**
     * The header {@code name}, as epoch milliseconds or an ISO-8601 instant ({@code 2026-12-01T10:15:30Z}); where a
     * record has none, {@code otherwise}. A header that is neither makes the record undecodable: it is dropped with
     * the reason, rather than called without the deadline its producer meant.
     */
    static <K, V> Deadlines<K, V> header(String name, Deadlines<K, V> otherwise) {
        return (key, value, headers, timestampMs) -> {
            Header header = headers.lastHeader(name);
            if (header == null || header.value() == null) {
                return otherwise.deadline(key, value, headers, timestampMs);
            }
            String text = new String(header.value(), StandardCharsets.UTF_8).strip();
            try {
                return text.chars().allMatch(Character::isDigit) && !text.isEmpty() ? Instant.ofEpochMilli(Long.parseLong(text))
                        : Instant.parse(text);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException("header " + name + " is not epoch millis or an ISO-8601 instant: '"
                        + FailureClassifier.bound(text) + "'");
            }
        };
    }

    /** The default: the header {@code deadline} if the producer set one, else {@code ttl} after the record's timestamp. */
    static <K, V> Deadlines<K, V> defaults(Duration ttl) {
        return header("deadline", afterTimestamp(ttl));
    }
}
