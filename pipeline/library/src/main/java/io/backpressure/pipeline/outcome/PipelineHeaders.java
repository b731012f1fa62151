package io.backpressure.pipeline.outcome;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Header names the pipeline writes. All values are UTF-8 strings so any tool can read them. */
public final class PipelineHeaders {
    public static final String DROP_REASON = "pipeline.drop.reason";
    public static final String LAST_ERROR = "pipeline.last.error";
    public static final String ATTEMPTS = "pipeline.attempts";
    public static final String REQUEST_ID = "pipeline.request.id";
    public static final String ORIGINAL_TOPIC = "pipeline.original.topic";
    public static final String ORIGINAL_PARTITION = "pipeline.original.partition";
    public static final String ORIGINAL_OFFSET = "pipeline.original.offset";
    public static final String DROPPED_AT = "pipeline.dropped.at";
    /** On a retry: the number of the attempt it is waiting for (2 for the first retry). */
    public static final String ATTEMPT = "pipeline.attempt";
    /** On a retry: epoch milliseconds before which it must not be released. */
    public static final String DUE_AT = "pipeline.due.at";
    /** On a retry: the backoff delay it waits, in milliseconds (decorrelated jitter grows from it). */
    public static final String RETRY_DELAY_MS = "pipeline.retry.delay.ms";
    /** Epoch milliseconds of the request's first handler call. */
    public static final String FIRST_ATTEMPT_AT = "pipeline.first.attempt.at";
    /**
     * Every header the pipeline writes starts with this. They are stripped from records on the input topic, where
     * anyone allowed to produce requests could have set them, and by {@code replay} to reset a request.
     */
    public static final String PREFIX = "pipeline.";

    private PipelineHeaders() {
    }

    /** The headers without the pipeline's own; the same instance when there are none to strip (the usual case). */
    public static Headers withoutOwn(Headers headers) {
        for (Header h : headers) {
            if (h.key().startsWith(PREFIX)) {
                return new RecordHeaders(Arrays.stream(headers.toArray()).filter(x -> !x.key().startsWith(PREFIX)).toArray(Header[]::new));
            }
        }
        return headers;
    }

    public static void put(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    /** The header as a number, or {@code fallback} when it is missing or not a number. */
    public static long getLong(Headers headers, String name, long fallback) {
        String value = get(headers, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The value of the last header with this name, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
