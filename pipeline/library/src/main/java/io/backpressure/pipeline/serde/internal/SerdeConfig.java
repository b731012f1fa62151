package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.AvroSerdes;
import io.backpressure.pipeline.serde.MockSchemaRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde settings, under Confluent's names so a properties file works with either serde. Parsed once in
 * {@code configure}; a bad value fails there with Kafka's {@link ConfigException}, which names the setting.
 *
 * @param endpoints  registry URLs in the order to try them; empty when {@code mockScope} is set
 * @param mockScope  the scope of a {@code mock://} URL, or null
 * @param requestTimeout how long one registry request may take
 * @param sslContext     TLS from {@code schema.registry.ssl.*}; null for the JVM's defaults
 */
public record SerdeConfig(List<Endpoint> endpoints, String mockScope, boolean autoRegisterSchemas, boolean useLatestVersion,
                          boolean specificAvroReader, Duration requestTimeout, SSLContext sslContext) {

    private static final String SOURCE_URL = "URL";
    private static final String SOURCE_USER_INFO = "USER_INFO";
    /** Confluent's Java clients also accept the user info under this longer name. */
    private static final String USER_INFO_ALIAS = "schema.registry." + AvroSerdes.BASIC_AUTH_USER_INFO;

    public SerdeConfig {
        endpoints = List.copyOf(endpoints);
    }

    public static SerdeConfig parse(Map<String, ?> configs) {
        List<String> urls = urls(configs.get(AvroSerdes.SCHEMA_REGISTRY_URL));
        boolean autoRegister = bool(configs, AvroSerdes.AUTO_REGISTER_SCHEMAS, true);
        boolean useLatest = bool(configs, AvroSerdes.USE_LATEST_VERSION, false);
        boolean specific = bool(configs, AvroSerdes.SPECIFIC_AVRO_READER, false);
        Duration timeout = Duration.ofMillis(positiveLong(configs, AvroSerdes.REQUEST_TIMEOUT_MS, AvroSerdes.DEFAULT_REQUEST_TIMEOUT_MS));
        if (urls.get(0).startsWith(MockSchemaRegistry.URL_PREFIX)) {
            return new SerdeConfig(List.of(), mockScope(urls), autoRegister, useLatest, specific, timeout, null);
        }
        RegistryAuth userInfoAuth = userInfoAuth(configs);
        RegistryAuth bearer = bearerAuth(configs);
        if (bearer != null && userInfoAuth != null) {
            throw new ConfigException(AvroSerdes.BEARER_AUTH_TOKEN, "<hidden>", "is set together with "
                    + AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO: choose one way to authenticate");
        }
        if (bearer != null) {
            userInfoAuth = bearer;
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            endpoints.add(endpoint(url, userInfoAuth));
        }
        return new SerdeConfig(endpoints, null, autoRegister, useLatest, specific, timeout, RegistryTls.context(configs));
    }

    private static List<String> urls(Object raw) {
        List<String> urls = new ArrayList<>();
        if (raw instanceof Collection<?> list) {
            list.forEach(u -> urls.add(String.valueOf(u).trim()));
        } else if (raw != null) {
            for (String url : raw.toString().split(",")) {
                urls.add(url.trim());
            }
        }
        urls.removeIf(String::isEmpty);
        if (urls.isEmpty()) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, raw, "is required: the base URL of a Confluent-compatible "
                    + "schema registry, such as http://localhost:8081 (comma-separate several), or mock://<scope> for tests");
        }
        return urls;
    }

    private static String mockScope(List<String> urls) {
        if (urls.size() > 1) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, redact(String.join(",", urls)), "a mock:// URL must be the only URL");
        }
        String rest = urls.get(0).substring(MockSchemaRegistry.URL_PREFIX.length());
        String scope = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (scope.isEmpty()) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, urls.get(0), "a mock:// URL needs a scope, as in mock://my-test");
        }
        return scope;
    }

    private static Endpoint endpoint(String url, RegistryAuth userInfoAuth) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, redact(url), "is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, redact(url), "must be an http:// or https:// URL with a host");
        }
        RegistryAuth auth = userInfoAuth;
        if (auth == null && uri.getRawUserInfo() != null) {
            auth = RegistryAuth.basic(uri.getUserInfo());
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        URI base = URI.create(scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);
        return new Endpoint(base, auth);
    }

    /** A setting under Confluent's name, or under the same name with the {@code schema.registry.} prefix. */
    static Object setting(Map<String, ?> configs, String name) {
        Object value = configs.get(name);
        return value != null ? value : configs.get("schema.registry." + name);
    }

    /** The bearer token of {@code bearer.auth.token}, or null. */
    private static RegistryAuth bearerAuth(Map<String, ?> configs) {
        Object token = setting(configs, AvroSerdes.BEARER_AUTH_TOKEN);
        Object source = setting(configs, AvroSerdes.BEARER_AUTH_CREDENTIALS_SOURCE);
        if (source != null && !source.toString().trim().equalsIgnoreCase("STATIC_TOKEN")) {
            throw new ConfigException(AvroSerdes.BEARER_AUTH_CREDENTIALS_SOURCE, source, "must be STATIC_TOKEN (the only source supported)");
        }
        if (token == null || token.toString().isBlank()) {
            if (source != null) {
                throw new ConfigException(AvroSerdes.BEARER_AUTH_TOKEN, null, "is required when " + AvroSerdes.BEARER_AUTH_CREDENTIALS_SOURCE
                        + " is set");
            }
            return null;
        }
        return RegistryAuth.bearer(token.toString().trim());
    }

    /** Credentials of {@code basic.auth.credentials.source=USER_INFO}; null for the default source, the URL's user info. */
    private static RegistryAuth userInfoAuth(Map<String, ?> configs) {
        Object rawSource = setting(configs, AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE);
        String source = rawSource == null ? SOURCE_URL : rawSource.toString().trim().toUpperCase(Locale.ROOT);
        if (source.equals(SOURCE_URL)) {
            return null;
        }
        if (!source.equals(SOURCE_USER_INFO)) {
            throw new ConfigException(AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE, rawSource, "must be URL or USER_INFO");
        }
        Object userInfo = configs.get(AvroSerdes.BASIC_AUTH_USER_INFO);
        if (userInfo == null) {
            userInfo = configs.get(USER_INFO_ALIAS);
        }
        if (userInfo == null || !userInfo.toString().contains(":")) {
            // The value itself is never echoed: it is a secret.
            throw new ConfigException(AvroSerdes.BASIC_AUTH_USER_INFO, userInfo == null ? null : "<hidden>",
                    "must be user:password when " + AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE + " is USER_INFO");
        }
        return RegistryAuth.basic(userInfo.toString());
    }

    private static long positiveLong(Map<String, ?> configs, String name, long defaultValue) {
        Object value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.toString().trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name, value, "must be a positive number of milliseconds");
    }

    private static boolean bool(Map<String, ?> configs, String name, boolean defaultValue) {
        Object value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(name, value, "must be true or false");
    }

    /** URLs as they may appear in a message: any user info replaced. */
    static String redact(String url) {
        return url.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@,\\s]*@", "$1<hidden>@");
    }
}
