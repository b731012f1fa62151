package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The class-data archive the package phase makes with its training run: the packaged jar starts with it and takes the
 * pipeline's own classes from it. {@code -Xshare:on} makes the JVM refuse to start rather than ignore an archive that
 * does not match the jar.
 */
class ClassDataArchiveIT {

    @Test
    void thePackagedJarLoadsItsClassesFromTheArchiveTheBuildMade() throws Exception {
        Path jar = Path.of(System.getProperty("pipeline.jar")).toAbsolutePath();
        Path archive = jar.resolveSibling("pipeline.jsa");
        assertTrue(Files.isRegularFile(archive), "the package phase writes " + archive + " (see target/class-data-training.log)");
        assertLoadsFromArchive(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info", "-jar", jar.toString(), "--version"));
    }

    @Test
    void theLauncherScriptStartsTheJarWithTheArchive() throws Exception {
        Path jar = Path.of(System.getProperty("pipeline.jar")).toAbsolutePath();
        Path script = jar.getParent().resolveSibling("bin").resolve("pipeline");
        ProcessBuilder launch = new ProcessBuilder(script.toString(), "--version");
        launch.environment().put("JAVA_OPTS", "-Xshare:on -Xlog:class+load=info");
        assertLoadsFromArchive(launch);
    }

    private static void assertLoadsFromArchive(ProcessBuilder command) throws Exception {
        Process java = command.redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
        assertEquals(0, java.exitValue(), output);
        assertTrue(output.contains("io.backpressure.pipeline.cli.PipelineCli source: shared objects file (top)"),
                "the pipeline's classes come from the archive:\n" + output.lines().filter(l -> l.contains("io.backpressure")).limit(5).toList());
    }
}
