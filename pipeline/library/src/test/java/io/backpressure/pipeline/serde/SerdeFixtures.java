package io.backpressure.pipeline.serde;

import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;

/** Shared test data: a fresh mock registry scope per test, and requests that use every field. */
final class SerdeFixtures {
    static final String TOPIC = "work-requests";
    static final String SUBJECT = TOPIC + "-value";

    private SerdeFixtures() {
    }

    static String freshScope() {
        return "serde-test-" + UUID.randomUUID();
    }

    static Map<String, Object> config(String scope, Object... extra) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, MockSchemaRegistry.URL_PREFIX + scope);
        for (int i = 0; i < extra.length; i += 2) {
            config.put((String) extra[i], extra[i + 1]);
        }
        return config;
    }

    static WorkRequest request(String id) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("tenant", "acme");
        attributes.put("trace", "t-" + id);
        return WorkRequest.newBuilder()
                .setRequestId(id)
                .setKey("key-" + id)
                .setPayload(ByteBuffer.wrap(("payload " + id).getBytes(StandardCharsets.UTF_8)))
                .setCreatedAt(Instant.parse("2026-01-02T03:04:05.678Z"))
                .setDeadline(Instant.parse("2026-01-02T03:05:00Z"))
                .setAttributes(attributes)
                .build();
    }

    static <T> AvroSerializer<T> serializer(Map<String, Object> config) {
        AvroSerializer<T> serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        return serializer;
    }

    static <T> AvroDeserializer<T> deserializer(Map<String, Object> config) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>();
        deserializer.configure(config, false);
        return deserializer;
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    /** WorkRequest as first released: no deadline, no attributes. */
    static final String WORK_REQUEST_V0 = """
            {"type": "record", "name": "WorkRequest", "namespace": "io.backpressure.schemas", "fields": [
              {"name": "requestId", "type": "string"},
              {"name": "key", "type": "string"},
              {"name": "payload", "type": "bytes"},
              {"name": "createdAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
            ]}""";
}
