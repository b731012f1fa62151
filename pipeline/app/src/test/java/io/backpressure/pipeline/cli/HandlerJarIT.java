package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.testing.AppLogs;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import io.backpressure.schemas.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * A handler in its own jar, built here as a user would build it, runs under {@code java -jar pipeline.jar run
 * --handler-jar}: found through ServiceLoader, selected by name, given its own {@code pipeline.handler.<name>.*}
 * settings, and every request's result carries its answer.
 */
class HandlerJarIT {
    private static final String PROVIDER = """
            package com.example.shout;

            import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
            import io.backpressure.pipeline.handler.HandlerProvider;
            import io.backpressure.pipeline.handler.Outcome;
            import io.backpressure.pipeline.handler.RequestHandler;
            import java.nio.charset.StandardCharsets;
            import java.util.Map;
            import java.util.concurrent.CompletableFuture;

            public final class ShoutProvider implements HandlerProvider {
                public String name() {
                    return "shout";
                }

                public RequestHandler create(PipelineConfig config, Map<String, String> settings) {
                    String prefix = settings.getOrDefault("prefix", "");
                    return (request, attempt) -> CompletableFuture.completedFuture(
                            Outcome.success((prefix + request.getRequestId()).getBytes(StandardCharsets.UTF_8)));
                }
            }
            """;

    @Test
    void aHandlerJarIsLoadedByNameWithItsOwnSettingsUnderJavaJar() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "handler-jar-");
        Path jar = buildHandlerJar(dir);
        ConfigLoader settings = ItConfig.forTest("handler-jar");
        PipelineConfig config = settings.load();
        ItConfig.createTopics(config);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("pipeline.jar")).toAbsolutePath().toString(), "run", "--handler-jar", jar.toString(),
                "--set", "pipeline.handler.type=shout", "--set", "pipeline.handler.shout.prefix=LOUD:"));
        command.addAll(CliRun.settingsOf(settings));
        Path log = AppLogs.of("handler-jar");
        Files.createDirectories(log.getParent());
        Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int count = 200;
            ProduceSpec spec = new ProduceSpec(count, 0, 10, 10, null, "shout");
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(spec, n -> { });
            AvroDeserializer<WorkResult> results = new AvroDeserializer<>();
            results.configure(Map.of("schema.registry.url", config.kafka().schemaRegistryUrl(), "specific.avro.reader", true), false);
            Set<String> outputs = new TreeSet<>();
            Await.until("every request answered by the plug-in", Duration.ofSeconds(90), () -> {
                assertTrue(app.isAlive(), () -> "the app exited; its log: " + log);
                TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().results()).forEach(r -> outputs.add(StandardCharsets.UTF_8
                        .decode(results.deserialize(config.topics().results(), r.headers(), r.value()).getOutput()).toString()));
                return outputs.size() >= count;
            }, () -> outputs.size() + " answered; log " + log);
            assertEquals(LongStream.range(0, count).mapToObj(n -> "LOUD:" + spec.requestId(n)).collect(Collectors.toCollection(TreeSet::new)),
                    outputs);
        } finally {
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the app stops on SIGTERM");
        }
    }

    /** Compiles the provider against the pipeline's classes and jars it with its service file, as a user's build does. */
    private static Path buildHandlerJar(Path dir) throws IOException {
        Path source = dir.resolve("src/com/example/shout/ShoutProvider.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, PROVIDER);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, status, "the handler compiles");
        Path jar = dir.resolve("shout-handler.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                add(out, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
            add(out, "META-INF/services/io.backpressure.pipeline.handler.HandlerProvider",
                    "com.example.shout.ShoutProvider\n".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
