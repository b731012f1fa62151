package io.backpressure.pipeline.serde.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP basic credentials for the registry. Holds the secret only as a ready header; never prints it. */
public final class BasicAuth {
    private final String user;
    private final String header;

    private BasicAuth(String user, String header) {
        this.user = user;
        this.header = header;
    }

    /** @param userInfo {@code user:password}, as in {@code basic.auth.user.info} or a URL's user-info part */
    static BasicAuth fromUserInfo(String userInfo) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return new BasicAuth(user, "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    String header() {
        return header;
    }

    public String user() {
        return user;
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + ", password=<hidden>]";
    }
}
