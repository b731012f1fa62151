/**
 * Avro serdes that are byte-for-byte compatible with Confluent's (magic byte, big-endian schema id, Avro binary), with
 * a caching Confluent-API registry client, an in-memory {@code mock://} registry for tests, and typed decode errors.
 */
package io.backpressure.pipeline.serde;
