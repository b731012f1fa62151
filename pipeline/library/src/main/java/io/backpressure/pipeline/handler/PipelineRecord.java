package io.backpressure.pipeline.handler;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * One request as a handler sees it: the user's own key and value, read with the user's serdes, and where the request
 * stands. {@code topic}, {@code partition} and {@code offset} are those of the input record, also on a retry (which is
 * read from a delay topic).
 *
 * @param headers   the record's headers without the pipeline's own ({@code pipeline.*})
 * @param timestamp the input record's timestamp, epoch milliseconds
 * @param attempt   1 for the first call, 2 for the first retry, and so on
 * @param requestId the request's id, from where {@link RequestIds} says (used in logs, drop headers and results)
 * @param deadline  when the request stops being worth doing, from where {@link Deadlines} says; null for never
 */
public record PipelineRecord<K, V>(K key, V value, Headers headers, String topic, int partition, long offset, long timestamp,
                                   int attempt, String requestId, Instant deadline) {
}
