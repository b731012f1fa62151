package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.backpressure.schemas.WorkRequest;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry behind HTTPS with a private certificate, made with the JDK's keytool for the test: trusted through
 * {@code schema.registry.ssl.truststore.*} without touching the JVM's default truststore.
 */
class RegistryTlsTest {
    @TempDir
    Path dir;
    private HttpsServer server;
    private Path truststore;

    @BeforeEach
    void startHttpsRegistry() throws Exception {
        Path keystore = dir.resolve("registry.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "server-pass");
        Path cert = dir.resolve("registry.pem");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "server-pass", "-file",
                cert.toString());
        truststore = dir.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "registry-ca", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", "trust-pass");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, "server-pass".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "server-pass".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"id\": 9}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "keytool " + args[0] + " failed: " + output);
    }

    private Map<String, Object> config(Object... extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL,
                "https://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7"));
        for (int i = 0; i < extra.length; i += 2) {
            config.put((String) extra[i], extra[i + 1]);
        }
        return config;
    }

    @Test
    void aRegistryWithAPrivateCaIsReachedThroughTheConfiguredTruststore() {
        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(config(
                "schema.registry.ssl.truststore.location", truststore.toString(),
                "schema.registry.ssl.truststore.password", "trust-pass",
                "schema.registry.ssl.truststore.type", "PKCS12")).serialize(SerdeFixtures.TOPIC, SerdeFixtures.request("tls"));
        assertEquals(9, ByteBuffer.wrap(bytes).getInt(1));
    }

    @Test
    void withoutTheTruststoreTheCertificateIsRefused() {
        SerdeException e = assertThrows(SerdeException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(config()).serialize(SerdeFixtures.TOPIC, SerdeFixtures.request("tls")));
        assertEquals(SerdeException.Kind.REGISTRY_UNAVAILABLE, e.kind());
    }

    @Test
    void aWrongTruststorePasswordNamesTheSettingAndNotThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> SerdeFixtures.<WorkRequest>serializer(config(
                "schema.registry.ssl.truststore.location", truststore.toString(),
                "schema.registry.ssl.truststore.password", "wrong-pass",
                "schema.registry.ssl.truststore.type", "PKCS12")));
        assertTrue(e.getMessage().contains("schema.registry.ssl.truststore"), e.getMessage());
        assertTrue(!e.getMessage().contains("wrong-pass"), e.getMessage());
    }
}
