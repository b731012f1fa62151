package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Deadlines;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.handler.RecordHandler;
import io.backpressure.pipeline.handler.RequestIds;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Bindings of raw bytes, for tests of the core's parts that never look inside a record. */
final class TestBindings {
    private TestBindings() {
    }

    static RecordBinding<byte[], byte[], byte[]> of(RecordHandler<byte[], byte[], byte[]> handler) {
        return RecordBinding.of(new ByteArrayDeserializer(), new ByteArrayDeserializer(), new ByteArraySerializer(), RequestIds.defaults(),
                Deadlines.afterTimestamp(Duration.ZERO), handler);
    }

    static PipelineRecord<byte[], byte[]> request(String requestId) {
        return new PipelineRecord<>(null, new byte[0], new RecordHeaders(), "t", 0, 0, 0, 1, requestId, null);
    }
}
