package io.backpressure.pipeline.serde.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Plain Avro binary encoding, and the conversion {@code use.latest.version} needs between two compatible schemas. */
public final class AvroBodies {
    private AvroBodies() {
    }

    /** Appends the Avro binary encoding of {@code datum} to {@code out}; the model carries logical-type conversions. */
    public static void write(ByteArrayOutputStream out, Schema schema, GenericData model, Object datum) {
        @SuppressWarnings("unchecked")
        DatumWriter<Object> writer = model.createDatumWriter(schema);
        write(out, writer, datum);
    }

    /** Appends the Avro binary encoding of {@code datum} with a writer made by the datum's model for its schema. */
    public static void write(ByteArrayOutputStream out, DatumWriter<Object> writer, Object datum) {
        try {
            // Direct (unbuffered) like Confluent's serializer: the stream is in memory, a buffer would only copy.
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-expresses a datum written with {@code from} as a generic datum of {@code to}, by Avro's schema resolution. */
    public static Object transcode(Object datum, Schema from, GenericData model, Schema to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(bytes, from, model, datum);
        try {
            return new GenericDatumReader<>(from, to, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
