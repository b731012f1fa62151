package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.TruncatedPayloadException;
import io.backpressure.pipeline.serde.WrongMagicByteException;
import java.io.ByteArrayOutputStream;

/** Confluent's framing: magic byte 0x00, the schema id as a 4-byte big-endian int, then the Avro binary body. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0x00;
    public static final int HEADER_BYTES = 5;

    private WireFormat() {
    }

    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /** The schema id in the header; checks the magic byte first because it says more about foreign bytes than length does. */
    public static int schemaId(byte[] value) {
        if (value.length == 0) {
            throw TruncatedPayloadException.header(0);
        }
        if (value[0] != MAGIC_BYTE) {
            throw new WrongMagicByteException(value[0]);
        }
        if (value.length < HEADER_BYTES) {
            throw TruncatedPayloadException.header(value.length);
        }
        return (value[1] & 0xFF) << 24 | (value[2] & 0xFF) << 16 | (value[3] & 0xFF) << 8 | (value[4] & 0xFF);
    }
}
