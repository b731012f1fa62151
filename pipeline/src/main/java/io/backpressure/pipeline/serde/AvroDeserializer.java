package io.backpressure.pipeline.serde;

import org.apache.kafka.common.serialization.Deserializer;

public class AvroDeserializer<T> implements Deserializer<T> {
    @Override
    public T deserialize(String topic, byte[] data) {
        throw new UnsupportedOperationException("stub");
    }
}
