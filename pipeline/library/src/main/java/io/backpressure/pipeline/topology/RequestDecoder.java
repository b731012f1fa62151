package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.serde.SerdeException;
import java.io.IOException;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;


/**
 * Turns a record's key and value into the user's types, or says why its bytes never will ({@link Undecodable}). A registry that is
 * down or failing (unreachable, timing out, 401, 403, a 404 without Confluent's schema-not-found code, 408, 5xx, an
 * answer that is not JSON) says nothing about the record, so the record is never dropped for it: decoding is retried
 * with jittered, doubling waits within the stream thread's blocking bound, then the thread fails (it is replaced, and
 * the uncommitted record is read again) instead of losing a valid request.
 */
final class RequestDecoder {
    private final int maxValueBytes;
    private final Duration maxBlock;
    private final RandomGenerator random;

    RequestDecoder(int maxValueBytes, Duration maxBlock, RandomGenerator random) {
        this.maxValueBytes = maxValueBytes;
        this.maxBlock = maxBlock;
        this.random = random;
    }

    /** The record's value, which a request must have, read with {@code deserializer}. */
    <T> T value(Deserializer<T> deserializer, String topic, Headers headers, byte[] value) {
        if (value == null || value.length == 0) {
            throw new Undecodable("empty value");
        }
        if (value.length > maxValueBytes) {
            throw new Undecodable("value of " + value.length + " bytes exceeds " + maxValueBytes);
        }
        T decoded = waitingOutRegistryTrouble(deserializer, topic, headers, value);
        if (decoded == null) {
            throw new Undecodable("value decoded to null");
        }
        return decoded;
    }

    /** The record's key (null stays null) read with {@code deserializer}. */
    <T> T key(Deserializer<T> deserializer, String topic, Headers headers, byte[] key) {
        return key == null ? null : waitingOutRegistryTrouble(deserializer, topic, headers, key);
    }

    private <T> T waitingOutRegistryTrouble(Deserializer<T> deserializer, String topic, Headers headers, byte[] data) {
        long deadline = 0;
        long waitMs = 50;
        for (boolean firstTry = true; ; firstTry = false) {
            try {
                return deserializer.deserialize(topic, headers, data);
            } catch (RuntimeException e) {
                if (causedByRecord(e)) {
                    throw new Undecodable(FailureClassifier.describe(e));
                }
                long now = System.nanoTime();
                if (firstTry) {
                    // From the first failure, not before every decode: most records decode at once, and a clock read
                    // per record was a measurable part of the pipeline's own cost.
                    deadline = now + maxBlock.toNanos();
                }
                long jittered = (long) (waitMs * (0.5 + random.nextDouble()));
                if (now + jittered * 1_000_000 > deadline) {
                    throw new StreamsException("schema registry unavailable for " + maxBlock.toMillis() + " ms while decoding a record of "
                            + topic + ": " + e.getMessage(), e);
                }
                sleep(jittered);
                waitMs = Math.min(waitMs * 2, 2000);
            }
        }
    }

    /**
     * Whether the bytes are at fault. The pipeline's own serdes say so precisely; of any other deserializer (a user's
     * JSON or Confluent serde), a failure with an I/O error behind it (a registry it could not reach) is taken as
     * trouble that passes, anything else as the record's.
     */
    private static boolean causedByRecord(RuntimeException e) {
        if (e instanceof SerdeException serde) {
            return serde.causedByRecord();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return false;
            }
        }
        return true;
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
