package io.backpressure.pipeline.serde.internal;

import java.net.URI;

/**
 * One registry base URL, without the credentials that may have been written into it.
 *
 * @param base the base URL, possibly with a path such as {@code /apis/ccompat/v7}, no trailing slash, no user info
 * @param auth credentials, or null
 */
public record Endpoint(URI base, RegistryAuth auth) {

    URI resolve(String path) {
        return URI.create(base + path);
    }

    /** Safe to log and to put in exception messages. */
    @Override
    public String toString() {
        return base.toString();
    }
}
