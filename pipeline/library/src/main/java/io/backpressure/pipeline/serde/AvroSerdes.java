package io.backpressure.pipeline.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Ready-configured serdes, and the setting names, which are Confluent's so one properties file serves either serde. */
public final class AvroSerdes {
    /** Registry base URL(s), comma-separated; the first that answers is used. {@code mock://<scope>} for tests. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the record's schema under the subject if missing (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** With auto-registration off: write with the subject's latest schema instead of looking up the record's own (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Deserialize into SpecificRecord classes instead of GenericRecord (default false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** {@code URL} (credentials in the URL, the default) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password}, used when the source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** {@code STATIC_TOKEN} (the default when a token is set): send {@link #BEARER_AUTH_TOKEN} as a bearer token. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** The registry's bearer token; instead of basic credentials. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /**
     * TLS to the registry, under Confluent's names: {@code schema.registry.ssl.truststore.location}, {@code .password},
     * {@code .type} (a private CA, without touching the JVM's default truststore) and {@code schema.registry.ssl.keystore.*}
     * with {@code schema.registry.ssl.key.password} (mutual TLS).
     */
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    /**
     * How long one registry request may take, connection included, in milliseconds (default 15000). This serde's own
     * setting (Confluent's serde ignores it): a caller that must not block longer, such as a stream thread, sets it.
     */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

    private AvroSerdes() {
    }

    /** A serde for a generated class, reading every compatible writer schema into it. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        Map<String, Object> settings = new HashMap<>(config);
        settings.put(SPECIFIC_AVRO_READER, true);
        AvroSerializer<T> serializer = new AvroSerializer<>();
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        serializer.configure(settings, isKey);
        deserializer.configure(settings, isKey);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** A serde for {@link GenericRecord}s, read with their writer schema. */
    public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
        Map<String, Object> settings = new HashMap<>(config);
        settings.put(SPECIFIC_AVRO_READER, false);
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        serializer.configure(settings, isKey);
        deserializer.configure(settings, isKey);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
