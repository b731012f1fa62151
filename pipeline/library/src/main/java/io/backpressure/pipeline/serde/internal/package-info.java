/**
 * How the serdes work inside: configuration parsing, the wire header, the HTTP registry client, its cache and the
 * choice of reader and writer schemas. Not an API: use {@link io.backpressure.pipeline.serde.AvroSerdes} instead.
 */
package io.backpressure.pipeline.serde.internal;
