package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.schemas.WorkRequest;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns a record's value into a request, or says why its bytes never will ({@link Undecodable}). A registry that is
 * down or failing (unreachable, timing out, 401, 403, a 404 without Confluent's schema-not-found code, 408, 5xx, an
 * answer that is not JSON) says nothing about the record, so the record is never dropped for it: decoding is retried
 * with jittered, doubling waits within the stream thread's blocking bound, then the thread fails (it is replaced, and
 * the uncommitted record is read again) instead of losing a valid request.
 */
final class RequestDecoder {
    private final Deserializer<WorkRequest> deserializer;
    private final int maxValueBytes;
    private final Duration maxBlock;
    private final RandomGenerator random;

    RequestDecoder(Deserializer<WorkRequest> deserializer, int maxValueBytes, Duration maxBlock, RandomGenerator random) {
        this.deserializer = deserializer;
        this.maxValueBytes = maxValueBytes;
        this.maxBlock = maxBlock;
        this.random = random;
    }

    WorkRequest decode(Record<byte[], byte[]> record, String topic) {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            throw new Undecodable("empty value");
        }
        if (value.length > maxValueBytes) {
            throw new Undecodable("value of " + value.length + " bytes exceeds " + maxValueBytes);
        }
        WorkRequest request = waitingOutRegistryTrouble(record, topic);
        if (request == null) {
            throw new Undecodable("value decoded to null");
        }
        return request;
    }

    private WorkRequest waitingOutRegistryTrouble(Record<byte[], byte[]> record, String topic) {
        long deadline = System.nanoTime() + maxBlock.toNanos();
        long waitMs = 50;
        while (true) {
            try {
                return deserializer.deserialize(topic, record.headers(), record.value());
            } catch (SerdeException e) {
                if (e.causedByRecord()) {
                    throw new Undecodable(FailureClassifier.describe(e));
                }
                long jittered = (long) (waitMs * (0.5 + random.nextDouble()));
                if (System.nanoTime() + jittered * 1_000_000 > deadline) {
                    throw new StreamsException("schema registry unavailable for " + maxBlock.toMillis() + " ms while decoding a record of "
                            + topic + ": " + e.getMessage(), e);
                }
                sleep(jittered);
                waitMs = Math.min(waitMs * 2, 2000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while waiting for the schema registry", e);
        }
    }

    /** Bytes that will never decode into a request, whatever is retried. */
    static final class Undecodable extends RuntimeException {
        Undecodable(String reason) {
            super(reason, null, false, false);
        }
    }
}
