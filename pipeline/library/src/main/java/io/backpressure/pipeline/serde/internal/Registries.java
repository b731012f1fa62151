package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.MockSchemaRegistry;
import io.backpressure.pipeline.serde.SchemaRegistry;

/** Turns the configured URL into a cached registry client: in memory for {@code mock://}, HTTP otherwise. */
public final class Registries {
    private Registries() {
    }

    public static SchemaRegistry open(SerdeConfig config) {
        SchemaRegistry backend = config.mockScope() != null
                ? MockSchemaRegistry.forScope(config.mockScope())
                : new HttpSchemaRegistry(config.endpoints(), config.requestTimeout(), config.sslContext());
        return new CachingSchemaRegistry(backend);
    }
}
