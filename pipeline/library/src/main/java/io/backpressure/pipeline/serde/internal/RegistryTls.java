package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.AvroSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * TLS to the registry from {@code schema.registry.ssl.*}: a truststore for a private CA (the JVM's default truststore
 * stays as it is) and, for mutual TLS, a keystore. A store that cannot be read fails at configuration, naming the
 * setting; passwords are never echoed.
 */
final class RegistryTls {
    private RegistryTls() {
    }

    /** The context, or null when no {@code schema.registry.ssl.*} store is configured. */
    static SSLContext context(Map<String, ?> configs) {
        String truststore = string(configs, "truststore.location");
        String keystore = string(configs, "keystore.location");
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(configs, "truststore"));
            }
            KeyManagerFactory keys = null;
            if (keystore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = string(configs, "key.password");
                String storePassword = string(configs, "keystore.password");
                keys.init(load(configs, "keystore"), chars(keyPassword != null ? keyPassword : storePassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(AvroSerdes.SSL_PREFIX + "*", "<hidden>", "could not set up TLS to the registry: " + e.getMessage());
        }
    }

    private static KeyStore load(Map<String, ?> configs, String store) throws GeneralSecurityException {
        String location = string(configs, store + ".location");
        String type = string(configs, store + ".type");
        KeyStore keyStore = KeyStore.getInstance(type != null ? type : KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            keyStore.load(in, chars(string(configs, store + ".password")));
        } catch (IOException e) {
            throw new ConfigException(AvroSerdes.SSL_PREFIX + store + ".location", location, "cannot be read"
                    + (e.getCause() instanceof java.security.UnrecoverableKeyException ? " with " + AvroSerdes.SSL_PREFIX + store
                    + ".password" : "") + ": " + e.getMessage());
        }
        return keyStore;
    }

    private static String string(Map<String, ?> configs, String name) {
        Object value = configs.get(AvroSerdes.SSL_PREFIX + name);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
