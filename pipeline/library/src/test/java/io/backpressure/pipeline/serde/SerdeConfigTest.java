package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Bad settings fail in configure(), naming the setting, never echoing a secret. */
class SerdeConfigTest {

    private static String failure(Map<String, Object> config) {
        return assertThrows(ConfigException.class, () -> new AvroSerializer<>().configure(config, false)).getMessage();
    }

    @Test
    void missingRegistryUrlIsNamed() {
        assertTrue(failure(Map.of()).contains("schema.registry.url"));
    }

    @Test
    void registryUrlMustBeHttpOrMock() {
        String message = failure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "ftp://registry:21"));
        assertTrue(message.contains("ftp://registry:21") && message.contains("http://"), message);
    }

    @Test
    void booleansMustBeTrueOrFalse() {
        String message = failure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "mock://x", AvroSerdes.AUTO_REGISTER_SCHEMAS, "yes"));
        assertTrue(message.contains("auto.register.schemas") && message.contains("yes"), message);
    }

    @Test
    void userInfoSourceNeedsUserAndPasswordAndNeverEchoesTheValue() {
        String message = failure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "http://localhost:8081",
                AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", AvroSerdes.BASIC_AUTH_USER_INFO, "onlyasecret"));
        assertTrue(message.contains("basic.auth.user.info"), message);
        assertFalse(message.contains("onlyasecret"), message);
    }

    @Test
    void unsupportedCredentialsSourceIsNamed() {
        String message = failure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "http://localhost:8081",
                AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT"));
        assertTrue(message.contains("basic.auth.credentials.source") && message.contains("SASL_INHERIT"), message);
    }

    @Test
    void badUrlWithCredentialsIsRedacted() {
        String message = failure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "gopher://svc:s3cr3t@registry"));
        assertFalse(message.contains("s3cr3t"), message);
    }
}
