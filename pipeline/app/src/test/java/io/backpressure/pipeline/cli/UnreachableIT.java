package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broker or registry that cannot be reached, as a user meets it from a shell (a child JVM, so the client libraries'
 * own logging is seen too): one line naming the address and the setting, exit 1, within the time the line states.
 */
class UnreachableIT {

    @Test
    void anUnreachableBrokerIsOneLineNamingTheAddressAndTheSetting() throws Exception {
        String nobody = "127.0.0.1:" + closedPort();
        for (String command : List.of("lag", "produce", "replay --dry-run", "run")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--bootstrap-servers", nobody));
            Result result = pipeline(args);
            assertEquals(1, result.exit, command + ":\n" + result.stderr);
            assertEquals(List.of("error: Kafka at " + nobody + " (pipeline.bootstrap-servers) did not answer within 10 s: is it running, "
                    + "and are kafka.security.protocol and its settings right? (pipeline doctor checks them)"),
                    result.stderr.lines().filter(l -> !l.contains("INFO")).toList(), command + ": one line and no client warnings");
            assertTrue(result.seconds < 20, command + " took " + result.seconds + " s");
        }
    }

    @Test
    void anUnreachableRegistryIsOneLineNamingTheAddressAndTheSetting() throws Exception {
        String nobody = "http://127.0.0.1:" + closedPort();
        Result result = pipeline(List.of("produce", "-n", "1", "--registry-url", nobody, "--bootstrap-servers",
                io.backpressure.pipeline.testing.TestStack.get().bootstrapServers()));
        assertEquals(1, result.exit, result.stderr);
        List<String> lines = result.stderr.lines().filter(l -> !l.contains("INFO")).toList();
        assertEquals(1, lines.size(), result.stderr);
        assertTrue(lines.get(0).startsWith("error: the schema registry at " + nobody + " (pipeline.schema-registry.url) cannot be reached"),
                lines.get(0));
    }

    private record Result(int exit, String stderr, double seconds) {
    }

    private static Result pipeline(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipelineCli.class.getName()));
        command.addAll(args);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " ended");
        return new Result(process.exitValue(), stderr, (System.nanoTime() - start) / 1e9);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
