package io.backpressure.pipeline.serde;

/** The value does not start with Confluent's magic byte, so it was not written by a Confluent-compatible serializer. */
public final class WrongMagicByteException extends SerdeException {
    private final byte found;

    public WrongMagicByteException(byte found) {
        super(Kind.WRONG_MAGIC_BYTE, String.format("unknown magic byte 0x%02X, expected 0x00: the value was not written "
                + "by a Confluent-compatible Avro serializer", found), null);
        this.found = found;
    }

    public byte found() {
        return found;
    }
}
