package io.backpressure.pipeline.serde;

import org.apache.avro.SystemLimitException;

/**
 * Avro's own decoder limits (system properties read once, when Avro first checks a length): without them, a value
 * of a dozen bytes that declares a 2 GB string makes the decoder allocate it. With them such a value fails as a
 * malformed body, which the pipeline drops as undecodable. A limit set with {@code -D} on the command line wins.
 */
public final class DecoderLimits {
    private DecoderLimits() {
    }

    /**
     * Sets the limits unless the JVM was started with them; returns false when Avro had already fixed other limits
     * in this JVM (it reads them once), so the caller can say so.
     */
    public static boolean apply(int maxLengthBytes, int maxCollectionItems) {
        System.getProperties().putIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, Integer.toString(maxLengthBytes));
        System.getProperties().putIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, Integer.toString(maxLengthBytes));
        System.getProperties().putIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, Integer.toString(maxCollectionItems));
        int stringLimit = Integer.parseInt(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY));
        try {
            SystemLimitException.checkMaxStringLength(stringLimit + 1L);
            return false;
        } catch (SystemLimitException enforced) {
            return true;
        }
    }
}
