package io.backpressure.pipeline.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An application that depends on the library gets the pipeline, not the command-line app's baggage: no Kafka broker,
 * Scala, log4j implementation, picocli, YAML or schema registry in its runtime class path. The build lists the
 * library's runtime dependencies into target/runtime-dependencies.txt before the tests run.
 */
class LibraryDependenciesTest {
    private static final List<Pattern> EXCLUDED = List.of(
            Pattern.compile("org\\.apache\\.kafka:kafka_2\\.1[0-9]:"),
            Pattern.compile("org\\.apache\\.kafka:kafka-server"),
            Pattern.compile("org\\.apache\\.kafka:kafka-tools"),
            Pattern.compile("org\\.scala-lang"),
            Pattern.compile("org\\.apache\\.logging\\.log4j:log4j-core:"),
            Pattern.compile("org\\.apache\\.logging\\.log4j:log4j-slf4j2?-impl:"),
            Pattern.compile("info\\.picocli:"),
            Pattern.compile("com\\.fasterxml\\.jackson\\.dataformat:jackson-dataformat-yaml:"),
            Pattern.compile("io\\.apicurio:"),
            Pattern.compile("io\\.micrometer:micrometer-registry-prometheus"));

    @Test
    void theRuntimeClassPathHasNoneOfTheAppsArtifacts() throws IOException {
        List<String> artifacts = Files.readAllLines(Path.of("target", "runtime-dependencies.txt")).stream()
                .map(String::strip).filter(line -> line.matches("[\\w.-]+:[\\w.-]+:.*")).toList();
        assertTrue(artifacts.stream().anyMatch(a -> a.startsWith("org.apache.kafka:kafka-streams:")),
                "the list holds the library's dependencies: " + artifacts);
        List<String> excluded = artifacts.stream().filter(a -> EXCLUDED.stream().anyMatch(p -> p.matcher(a).find())).toList();
        assertEquals(List.of(), excluded);
    }

    @Test
    void theLibraryShipsNoLoggingConfiguration() {
        assertEquals(null, LibraryDependenciesTest.class.getClassLoader().getResource("log4j2.xml"),
                "an application's own logging configuration must win");
    }
}
