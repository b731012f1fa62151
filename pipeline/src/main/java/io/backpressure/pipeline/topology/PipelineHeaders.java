package io.backpressure.pipeline.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

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

    private PipelineHeaders() {
    }

    public static void put(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    /** The value of the last header with this name, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
