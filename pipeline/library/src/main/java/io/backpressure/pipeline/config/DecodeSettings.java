package io.backpressure.pipeline.config;

/**
 * Bounds on what decoding an input record may cost, so hostile bytes are dropped as undecodable instead of exhausting
 * the heap: a dozen bytes can declare a 2 GB string.
 *
 * @param maxValueBytes      larger values are dropped before decoding; also the longest string or bytes field Avro
 *                           will allocate (no field can be longer than its record)
 * @param maxCollectionItems most items one array or map may declare (items can take no bytes, so the record size
 *                           does not bound them)
 */
public record DecodeSettings(int maxValueBytes, int maxCollectionItems) {

    public DecodeSettings {
        Check.atLeast("pipeline.decode.max-value-bytes", maxValueBytes, 1);
        Check.atLeast("pipeline.decode.max-collection-items", maxCollectionItems, 1);
    }
}
