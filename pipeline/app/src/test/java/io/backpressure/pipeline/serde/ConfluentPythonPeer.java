package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code python/confluent_avro_peer.py} with Debian's interpreter, which is the one that sees the
 * {@code python3-confluent-kafka} package (the first {@code python3} on the PATH may be another). Every run is bounded.
 */
final class ConfluentPythonPeer {
    static final Path INTERPRETER = Path.of("/usr/bin/python3");
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path script;
    private final Path workRequestSchema;

    private ConfluentPythonPeer(Path dir) {
        this.dir = dir;
        this.script = copyResource("/python/confluent_avro_peer.py", dir);
        // The .avsc the schemas module ships: Python parses the same source text the Java class was generated from.
        this.workRequestSchema = copyResource("/avro/WorkRequest.avsc", dir);
    }

    /**
     * The peer, or the test is skipped when Confluent's Python serializer is not installed; under {@code CI=true} a
     * missing peer fails instead, so a CI image without it cannot pass silently.
     */
    static ConfluentPythonPeer require(Path dir) {
        String missing = whyUnavailable(dir);
        if (missing != null) {
            String message = "Confluent's Python Avro serializer is not usable: " + missing
                    + ". Install it with: apt-get install python3-confluent-kafka python3-avro (for " + INTERPRETER + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            System.out.println("skipped: " + message);
            Assumptions.abort(message);
        }
        return new ConfluentPythonPeer(dir);
    }

    Path workRequestSchema() {
        return workRequestSchema;
    }

    /** Runs the script with these arguments and stdin lines; returns its stdout lines, or fails with its stderr. */
    List<String> run(Duration timeout, List<String> stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(INTERPRETER.toString(), script.toString()));
        command.addAll(List.of(args));
        return exec(command, stdin, timeout, dir);
    }

    private static String whyUnavailable(Path dir) {
        if (!Files.isExecutable(INTERPRETER)) {
            return INTERPRETER + " does not exist";
        }
        try {
            exec(List.of(INTERPRETER.toString(), "-c", "import confluent_kafka.avro, avro.io"), List.of(), PROBE_TIMEOUT, dir);
            return null;
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    private static List<String> exec(List<String> command, List<String> stdin, Duration timeout, Path dir) {
        try {
            Path in = Files.createTempFile(dir, "stdin-", ".jsonl");
            Path out = Files.createTempFile(dir, "stdout-", ".txt");
            Path err = Files.createTempFile(dir, "stderr-", ".txt");
            Files.write(in, stdin, StandardCharsets.UTF_8);
            // Files, not pipes: nothing can block on a full pipe buffer, and no reader threads are needed.
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("python peer timed out after " + timeout.toSeconds() + " s: " + command.subList(1, command.size())
                        + "; stderr: " + Files.readString(err).strip());
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("python peer exited with " + process.exitValue() + ": " + command.subList(1, command.size())
                        + "; stderr: " + Files.readString(err).strip());
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running the python peer", e);
        }
    }

    private static Path copyResource(String resource, Path dir) {
        try (InputStream in = ConfluentPythonPeer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is not on the classpath");
            }
            Path target = dir.resolve(Path.of(resource).getFileName().toString());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
