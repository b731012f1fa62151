package io.backpressure.pipeline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Confluent-compatible schema registry (Apicurio Registry, whose {@code /apis/ccompat/v7} API speaks
 * Confluent's REST protocol) in a child JVM. The distribution is unpacked by the Maven build next to the jar;
 * nothing is downloaded at run time. Schemas persist in an H2 file under the data directory, so the ids
 * inside records already in Kafka stay resolvable across restarts.
 */
public final class RegistryProcess implements AutoCloseable {
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final String HOST = "127.0.0.1";

    private final ChildProcess process;
    private final int port;

    private RegistryProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RegistryProcess start(Path dataDir, int port, Duration timeout) {
        if (!Ports.isFree(HOST, port)) {
            throw new LocalStackException("Schema registry cannot start: port " + HOST + ":" + port
                    + " is already in use (another registry running? stop it or choose another port)");
        }
        Path runner = findRunnerJar();
        try {
            Path storage = dataDir.resolve("registry").toAbsolutePath();
            Files.createDirectories(storage);
            List<String> args = List.of("-Xms128m", "-Xmx512m",
                    "-Dquarkus.http.host=" + HOST,
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.level=WARN",
                    "-jar", runner.toString());
            Map<String, String> env = Map.of("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + storage.resolve("registry_db"));
            ChildProcess child = ChildProcess.startJava("Schema registry", args, dataDir.resolve("registry.log"), dataDir, env);
            RegistryProcess registry = new RegistryProcess(child, port);
            registry.awaitReady(timeout);
            registry.setDefaultCompatibility();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to give serdes as {@code schema.registry.url}. */
    public String url() {
        return urlFor(port);
    }

    public static String urlFor(int port) {
        return "http://" + HOST + ":" + port + CCOMPAT_PATH;
    }

    /** True if something at the URL answers the Confluent subjects API; lets the demo reuse a running stack. */
    public static boolean answers(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Path findRunnerJar() {
        String configured = System.getProperty("pipeline.registry.home");
        Path home = configured != null ? Path.of(configured) : besideApplicationJar();
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> missing(home));
        } catch (IOException e) {
            throw missing(home);
        }
    }

    private static Path besideApplicationJar() {
        try {
            Path location = Path.of(RegistryProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(location) ? location.getParent() : location.getParent();
            return dir.resolve("registry");
        } catch (Exception e) {
            return Path.of("pipeline", "app", "target", "registry");
        }
    }

    private static LocalStackException missing(Path home) {
        return new LocalStackException("Schema registry distribution not found in " + home
                + " (it is unpacked by the build: run ./mvnw -DskipTests package)");
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LocalStackException(process.describeExit());
            }
            if (answers(url())) {
                return;
            }
            KafkaBrokerProcess.sleepQuietly(100);
        }
        process.stop(Duration.ofSeconds(5));
        throw new LocalStackException("Schema registry did not become ready on " + url() + " within "
                + timeout.toSeconds() + " s: " + process.lastLogLine() + " (log: " + process.log() + ")");
    }

    /** Confluent's default is BACKWARD, Apicurio's is NONE: match Confluent so evolution mistakes show up locally. */
    private void setDefaultCompatibility() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/config"))
                            .timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new LocalStackException("Schema registry refused to set BACKWARD compatibility: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new LocalStackException("Schema registry unreachable while configuring it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while configuring the schema registry");
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
