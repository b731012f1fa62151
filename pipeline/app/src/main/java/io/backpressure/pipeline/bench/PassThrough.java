package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The baseline: a plain synchronous Kafka Streams processor doing the same decode, result building and encode as the
 * pipeline with an instant handler, and nothing else. The pipeline's overhead is measured against it.
 */
final class PassThrough {
    private PassThrough() {
    }

    /** With the pipeline's own Avro serdes, reading the writer schemas from {@code registryUrl}. */
    static Topology build(String input, String output, String registryUrl) {
        Map<String, Object> serde = Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true);
        AvroDeserializer<WorkRequest> requests = new AvroDeserializer<>();
        requests.configure(serde, false);
        AvroSerializer<WorkResult> results = new AvroSerializer<>();
        results.configure(serde, false);
        return build(input, output, requests, results);
    }

    private static Topology build(String input, String output, Deserializer<WorkRequest> requests, Serializer<WorkResult> results) {
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor("map", () -> new Processor<byte[], byte[], byte[], byte[]>() {
            private ProcessorContext<byte[], byte[]> context;

            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                WorkRequest request = requests.deserialize(input, record.headers(), record.value());
                long now = System.currentTimeMillis();
                WorkResult result = WorkResult.newBuilder().setRequestId(request.getRequestId()).setAttempts(1)
                        .setCompletedAt(Instant.ofEpochMilli(now)).setLatencyMs(now - request.getCreatedAt().toEpochMilli())
                        .setOutput(ByteBuffer.allocate(0)).build();
                context.forward(record.withValue(results.serialize(output, result)));
            }
        }, "in");
        topology.addSink("out", output, new ByteArraySerializer(), new ByteArraySerializer(), "map");
        return topology;
    }
}
