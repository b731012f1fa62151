package io.backpressure.pipeline.serde.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Credentials for the registry: HTTP basic or a bearer token. Holds the secret only as a ready header; never prints it. */
public final class RegistryAuth {
    private final String description;
    private final String header;

    private RegistryAuth(String description, String header) {
        this.description = description;
        this.header = header;
    }

    /** @param userInfo {@code user:password}, as in {@code basic.auth.user.info} or a URL's user-info part */
    static RegistryAuth basic(String userInfo) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return new RegistryAuth("basic, user " + user, "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    /** @param token as in {@code bearer.auth.token} */
    static RegistryAuth bearer(String token) {
        return new RegistryAuth("bearer token", "Bearer " + token);
    }

    String header() {
        return header;
    }

    @Override
    public String toString() {
        return "RegistryAuth[" + description + ", secret <hidden>]";
    }
}
