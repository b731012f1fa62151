package io.backpressure.pipeline.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM started by the local stack, with its output in a log file so a failed start can be explained in one line. */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess startJava(String name, List<String> jvmAndMainArgs, Path log, Path workDir,
                                  java.util.Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmAndMainArgs);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        ChildProcess child = new ChildProcess(name, builder.start(), log);
        // Never leave a broker or registry behind when this JVM exits, whatever path it exits by (short of SIGKILL).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> child.stop(Duration.ofSeconds(10)), name + "-stop"));
        return child;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The last meaningful line of the log: what an operator needs to see when a start fails. */
    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (!line.isEmpty() && !line.startsWith("at ")) {
                    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
                }
            }
            return "(no output)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    String describeExit() {
        return name + " exited with status " + process.exitValue() + ": " + lastLogLine() + " (log: " + log + ")";
    }

    /** Graceful stop (SIGTERM), then a forced kill if it does not finish within the grace period. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
