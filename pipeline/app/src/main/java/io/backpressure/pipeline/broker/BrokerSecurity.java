package io.backpressure.pipeline.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What the secured local broker needs, made on first use with the JDK alone and kept in its data directory: a
 * self-signed CA, a broker certificate it signed (for 127.0.0.1 and localhost), a client truststore holding the CA,
 * random passwords, and a SCRAM-SHA-512 user for clients. Nothing is downloaded.
 */
public final class BrokerSecurity {
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String CLIENT_USER = "pipeline";
    private static final String STORE_TYPE = "PKCS12";

    private final Path dir;
    private final Properties secrets;
    private final boolean acls;

    private BrokerSecurity(Path dir, Properties secrets, boolean acls) {
        this.dir = dir;
        this.secrets = secrets;
        this.acls = acls;
    }

    /**
     * The same material on a broker that also authorizes: the client user may do only what ACLs grant it, while the
     * loopback PLAINTEXT listener's anonymous clients (the broker itself, and whoever grants the ACLs) are super users.
     */
    public BrokerSecurity withAcls() {
        return new BrokerSecurity(dir, secrets, true);
    }

    /** Loads the material in {@code dir}, making it first if it is not there. */
    public static BrokerSecurity in(Path dir) {
        Path secretsFile = dir.resolve("secrets.properties");
        try {
            Files.createDirectories(dir);
            Properties secrets = new Properties();
            if (Files.exists(secretsFile)) {
                try (Reader in = Files.newBufferedReader(secretsFile)) {
                    secrets.load(in);
                }
                return new BrokerSecurity(dir, secrets, false);
            }
            secrets.setProperty("store.password", randomSecret());
            secrets.setProperty("client.password", randomSecret());
            BrokerSecurity security = new BrokerSecurity(dir, secrets, false);
            security.makeCertificates();
            try (Writer out = Files.newBufferedWriter(secretsFile)) {
                secrets.store(out, "Secrets of the secured local broker; made at its first start");
            }
            return security;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the secured broker's certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void makeCertificates() {
        String pass = storePassword();
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=pipeline local CA",
                "-ext", "bc:c", "-validity", "3650", "-keystore", ca.toString(), "-storetype", STORE_TYPE, "-storepass", pass);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pass, "-file", dir.resolve("ca.pem").toString());
        Path broker = brokerKeystore();
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "3650", "-keystore", broker.toString(), "-storetype", STORE_TYPE, "-storepass", pass);
        keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", pass, "-file",
                dir.resolve("broker.csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pass, "-infile", dir.resolve("broker.csr").toString(),
                "-outfile", dir.resolve("broker.pem").toString(), "-rfc", "-validity", "3650",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore", broker.toString(),
                "-storetype", STORE_TYPE, "-storepass", pass);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(), "-keystore",
                broker.toString(), "-storetype", STORE_TYPE, "-storepass", pass);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore",
                clientTruststore().toString(), "-storetype", STORE_TYPE, "-storepass", pass);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new LocalStackException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new LocalStackException("could not run the JDK's keytool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while making certificates");
        }
    }

    String storePassword() {
        return secrets.getProperty("store.password");
    }

    Path brokerKeystore() {
        return dir.resolve("broker.p12");
    }

    Path clientTruststore() {
        return dir.resolve("client-truststore.p12");
    }

    /** The argument of {@code kafka-storage format --add-scram} that creates the client user. */
    String scramCredential() {
        return MECHANISM + "=[name=" + CLIENT_USER + ",password=" + secrets.getProperty("client.password") + "]";
    }

    /** The broker's settings for its SASL_SSL listener. */
    Map<String, String> brokerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sasl.enabled.mechanisms", MECHANISM);
        settings.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        settings.put("ssl.keystore.location", brokerKeystore().toAbsolutePath().toString());
        settings.put("ssl.keystore.password", storePassword());
        settings.put("ssl.keystore.type", STORE_TYPE);
        if (acls) {
            settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            settings.put("super.users", "User:ANONYMOUS");
        }
        return settings;
    }

    /** What a client needs, as the pipeline's {@code kafka.*} settings. */
    public Map<String, String> clientSettings(String bootstrapServers) {
        return clientSettings(bootstrapServers, secrets.getProperty("client.password"));
    }

    /** As {@link #clientSettings(String)} with another password: for a test of a wrong one. */
    public Map<String, String> clientSettings(String bootstrapServers, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("pipeline.bootstrap-servers", bootstrapServers);
        settings.put("kafka.security.protocol", "SASL_SSL");
        settings.put("kafka.sasl.mechanism", MECHANISM);
        settings.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + CLIENT_USER + "\" password=\"" + password + "\";");
        settings.put("kafka.ssl.truststore.location", clientTruststore().toAbsolutePath().toString());
        settings.put("kafka.ssl.truststore.password", storePassword());
        settings.put("kafka.ssl.truststore.type", STORE_TYPE);
        return settings;
    }

    /** Writes the client settings as a properties file for {@code --config}; returns its path. */
    public Path writeClientProperties(String bootstrapServers, String registryUrl) {
        Properties props = new Properties();
        props.putAll(clientSettings(bootstrapServers));
        props.setProperty("pipeline.schema-registry.url", registryUrl);
        Path file = dir.resolve("client.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "Client settings of the secured local stack: pass with --config " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
