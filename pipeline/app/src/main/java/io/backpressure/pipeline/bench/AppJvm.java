package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.config.ConfigLoader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The pipeline's {@code run} command in a JVM of its own, so a benchmark or a test can kill it with SIGKILL like a
 * crashed host. Its settings go on the command line as {@code --set name=value}; its output goes to a log file. A
 * benchmark's baseline can run in one too, where it must start as cold as a fresh deployment.
 */
public final class AppJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AppJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AppJvm start(ConfigLoader config, Path log) {
        List<String> args = new ArrayList<>(List.of("run"));
        for (Map.Entry<String, String> e : config.effectiveValues().entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        return startMain("io.backpressure.pipeline.cli.PipelineCli", args, log);
    }

    /** {@code mainClass} of this JVM's class path in a JVM of its own, with the same class-data archive as the app's. */
    static AppJvm startMain(String mainClass, List<String> args, Path log) {
        // Absolute, so the child finds the classes whichever directory it runs in and however this JVM was started.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(classDataOptions(classpath));
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new AppJvm(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + mainClass + " in its own JVM: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the child with the class-data archive the build writes next to the jar when it runs from that jar, as the
     * image does: a restarted instance is back sooner. The JVM ignores an archive that does not match, silently.
     */
    private static List<String> classDataOptions(String classpath) {
        Path jar = Path.of(classpath.split(File.pathSeparator)[0]);
        Path archive = jar.resolveSibling("pipeline.jsa");
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(archive)) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
    }

    /** SIGKILL: no shutdown hook, no commit, no drain. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM: a clean shutdown through the app's shutdown hook. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
