package io.backpressure.examples.orders;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The application's JSON serde: any record class, as Jackson writes it. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static <T> Serde<T> serde(Class<T> type) {
        return Serdes.serdeFrom((topic, value) -> value == null ? null : write(value), (topic, bytes) -> {
            try {
                return bytes == null ? null : MAPPER.readValue(bytes, type);
            } catch (IOException e) {
                // Bytes that are not this JSON: the pipeline drops such a record as UNDECODABLE, with this message.
                throw new SerializationException("not a " + type.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        });
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
