package io.backpressure.pipeline.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What may be shown of a setting's value. Redaction goes by the setting's kind, as Kafka's {@code ConfigDef.Type.PASSWORD}
 * does: passwords, JAAS configurations, tokens, secrets, keys and user info are hidden whole; in any other value, the
 * user info and the query string of a URL (where credentials and API keys travel) are hidden.
 */
public final class Secrets {
    public static final String HIDDEN = "[hidden]";
    private static final Pattern SENSITIVE_NAME =
            Pattern.compile(".*(password|secret|token|jaas\\.config|user\\.info|\\.key$|private|credentials(?!\\.source)).*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s,]+@");
    private static final Pattern URL_QUERY = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s,?]*)\\?[^\\s,]*");

    private Secrets() {
    }

    public static boolean sensitive(String name) {
        return SENSITIVE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** The value as it may appear in any output. */
    public static String redact(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (sensitive(name)) {
            return HIDDEN;
        }
        return redactUrls(value);
    }

    /** Text with every URL's user info and query string hidden. */
    public static String redactUrls(String text) {
        String withoutUserInfo = URL_USER_INFO.matcher(text).replaceAll("$1" + HIDDEN + "@");
        return URL_QUERY.matcher(withoutUserInfo).replaceAll("$1?" + HIDDEN);
    }
}
