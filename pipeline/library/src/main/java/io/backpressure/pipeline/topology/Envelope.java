package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.handler.RecordHandler;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The built-in envelope on the generic core: a {@link WorkRequest} carries its own id, creation time and deadline
 * (without one, {@code pipeline.retry.default-ttl} after its creation), and a success becomes a {@link WorkResult}
 * holding the handler's bytes. The command-line app and the demo use it.
 */
public final class Envelope {
    private static final byte[] NO_OUTPUT = new byte[0];

    private Envelope() {
    }

    public static RecordBinding<byte[], WorkRequest, byte[]> binding(RequestHandler handler, Deserializer<WorkRequest> requests,
                                                                    Serializer<WorkResult> results, Duration defaultTtl) {
        return new RecordBinding<>(new ByteArrayDeserializer(), requests,
                (key, request, headers) -> request.getRequestId(),
                (key, request, headers, timestampMs) -> request.getDeadline() != null ? request.getDeadline()
                        : defaultTtl.isZero() ? null : request.getCreatedAt().plus(defaultTtl),
                new RecordHandler<>() {
                    @Override
                    public CompletionStage<Outcome<byte[]>> handle(PipelineRecord<byte[], WorkRequest> record) {
                        return handler.handle(record.value(), record.attempt());
                    }

                    @Override
                    public void close() {
                        handler.close();
                    }
                },
                (topic, headers, request, output, nowMs) -> results.serialize(topic, headers, result(request, output, nowMs)));
    }

    private static WorkResult result(PipelineRecord<byte[], WorkRequest> request, byte[] output, long nowMs) {
        // The constructor, not the builder: every field is set, so the builder's per-field validation is wasted work.
        return new WorkResult(request.requestId(), request.attempt(), Instant.ofEpochMilli(nowMs),
                nowMs - request.value().getCreatedAt().toEpochMilli(), ByteBuffer.wrap(output == null ? NO_OUTPUT : output));
    }
}
