package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.broker.KafkaBrokerProcess;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The training run of the class-data-sharing archive the build makes: run under {@code -XX:ArchiveClassesAtExit}, it
 * loads the classes a start and the first minute of work load, so a JVM started with the archive maps them instead of
 * loading, verifying and linking them again. It starts a throwaway broker, runs the pipeline in this JVM against it
 * (in-memory schema registry, instant simulated downstream failing a fifth of calls, so retries and drops run too),
 * produces a few thousand requests, reads every outcome back, asks the status server for each of its pages, and
 * deletes everything it made.
 */
@Command(name = "class-data-training", hidden = true, description = "Build step: exercise a start and some work so the JVM can "
        + "archive the classes they load (run under -XX:ArchiveClassesAtExit)")
final class ClassDataTrainingCommand implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "3000", description = "requests to run through (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--timeout", defaultValue = "60s", description = "how long the whole run may take (default: ${DEFAULT-VALUE})")
    String timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Duration limit = io.backpressure.pipeline.config.Durations.parse("--timeout", timeout);
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("pipeline-class-data-training");
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir, Ports.ephemeral(), Ports.ephemeral(), limit)) {
            PipelineConfig config = new ConfigLoader()
                    .set("pipeline.bootstrap-servers", broker.bootstrapServers())
                    .set("pipeline.schema-registry.url", "mock://class-data-training")
                    .set("pipeline.state-dir", dir.resolve("streams").toString())
                    .set("pipeline.topics.partitions", "2")
                    .set("pipeline.http.port", Integer.toString(Ports.ephemeral()))
                    .set("pipeline.handler.simulated.latency", "0ms")
                    .set("pipeline.handler.simulated.failure-rate", "0.2")
                    .set("pipeline.retry.base", "10ms")
                    .set("pipeline.retry.cap", "50ms")
                    .load();
            try (PipelineApp app = PipelineApp.start(config)) {
                long accounted = runThrough(config, limit);
                visitPages(config.observability().httpHost(), app.httpPort());
                out.printf("class-data training: %,d of %,d requests accounted for in %.1f s%n", accounted, count,
                        (System.nanoTime() - start) / 1e9);
            }
        } finally {
            deleteRecursively(dir);
        }
        out.flush();
        return 0;
    }

    private long runThrough(PipelineConfig config, Duration limit) {
        String prefix = "training";
        String registry = config.kafka().schemaRegistryUrl();
        new RequestProducer(config.kafka().clients(), registry, config.topics().input(), Clock.systemUTC())
                .produce(new ProduceSpec(count, 0, 100, 100, null, prefix), produced -> { });
        try (OutcomeReader reader = new OutcomeReader(config.kafka().clients(), registry, config.topics().results(),
                config.topics().dropped(), id -> id.startsWith(prefix + "-"), false)) {
            long deadline = System.nanoTime() + limit.toNanos();
            Tally tally = reader.tally();
            while (tally.results() + tally.dropped() < count && System.nanoTime() < deadline) {
                tally = reader.poll(Duration.ofMillis(200));
            }
            return tally.results() + tally.dropped();
        }
    }

    private static void visitPages(String host, int port) {
        HttpClient client = HttpClient.newHttpClient();
        for (String page : new String[] {"/", "/api/status", "/metrics", "/health/live", "/health/ready"}) {
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + page)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
