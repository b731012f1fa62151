package io.backpressure.pipeline.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The {@link PassThrough} baseline in a JVM of its own, started by a benchmark that needs it as cold as a fresh
 * deployment: it runs until the benchmark stops it (SIGTERM), and the benchmark times its output from outside.
 */
final class PassThroughJvm {
    private PassThroughJvm() {
    }

    /** Starts the baseline in a new JVM, reading {@code input} with these Kafka Streams properties. */
    static AppJvm start(Properties streams, String registryUrl, String input, String output, Path dir) {
        Path settings = dir.resolve("pass-through.properties");
        try {
            Files.createDirectories(dir);
            try (Writer writer = Files.newBufferedWriter(settings)) {
                Properties strings = new Properties();
                streams.forEach((name, value) -> strings.setProperty(name.toString(), String.valueOf(value)));
                strings.store(writer, "Kafka Streams settings of the pass-through baseline");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + settings + ": " + e.getMessage(), e);
        }
        return AppJvm.startMain(PassThroughJvm.class.getName(), List.of(settings.toString(), registryUrl, input, output),
                dir.resolve("pass-through.log"));
    }

    /** @param args the settings file, the registry's URL, the input topic and the output topic */
    public static void main(String[] args) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(reader);
        }
        KafkaStreams streams = new KafkaStreams(PassThrough.build(args[2], args[3], args[1]), props);
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
    }
}
