package io.backpressure.pipeline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.bench.AppJvm;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.cli.PipelineCli;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.AppLogs;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Invariant 10: secrets given to the app (a JAAS configuration with a password, a key password, a registry bearer
 * token, a handler URL with user info and an API key in its query) appear in no output: {@code config}, the app's
 * log, {@code /api/status}, {@code /metrics}, the status page, and the headers of a drop caused by the HTTP handler.
 */
class NoSecretInAnyOutputIT {
    private static final List<String> SECRETS = List.of("kafka-jaas-s3cr3t", "ssl-key-s3cr3t", "bearer-s3cr3t", "url-s3cr3t", "query-s3cr3t");

    @Test
    void noSecretAppearsInConfigLogsStatusMetricsPageOrDropHeaders() throws Exception {
        HttpServer downstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        downstream.createContext("/work", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        downstream.start();
        int port = Ports.ephemeral();
        String handlerUrl = "http://svc:url-s3cr3t@127.0.0.1:" + downstream.getAddress().getPort() + "/work?api_key=query-s3cr3t";
        ConfigLoader loader = ItConfig.forTest("secrets")
                .set("pipeline.handler.type", "http")
                .set("pipeline.handler.http.url", handlerUrl)
                .set("pipeline.http.port", Integer.toString(port))
                .set("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
                        + "password=\"kafka-jaas-s3cr3t\";")
                .set("kafka.ssl.key.password", "ssl-key-s3cr3t")
                .set("bearer.auth.token", "bearer-s3cr3t");
        PipelineConfig config = loader.load();
        ItConfig.createTopics(config);
        List<String> outputs = new ArrayList<>();
        outputs.add(runConfigCommand(loader));
        try (AppJvm app = AppJvm.start(loader, AppLogs.of("no-secret"));
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("sec-"), true)) {
            Await.until("the app ready", Duration.ofSeconds(60), () -> ready(port), app::log);
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(new ProduceSpec(5, 0, 5, 10, null, "sec"), n -> { });
            Await.until("five drops by the HTTP handler", Duration.ofSeconds(60), () -> reader.poll(Duration.ofMillis(200)).dropped() >= 5,
                    app::log);
            String base = "http://127.0.0.1:" + port;
            outputs.add(Http.get(base + "/api/status").body());
            outputs.add(Http.get(base + "/metrics").body());
            outputs.add(Http.get(base + "/").body());
            String headers = dropHeaders(config);
            assertTrue(headers.contains("HTTP 400 from http://127.0.0.1:" + downstream.getAddress().getPort() + "/work"), headers);
            outputs.add(headers);
            app.close();
            outputs.add(app.log());
        } finally {
            downstream.stop(0);
        }
        for (String output : outputs) {
            for (String secret : SECRETS) {
                assertFalse(output.contains(secret), secret + " appears in an output:\n" + output);
            }
        }
        assertEquals(6, outputs.size());
    }

    private static boolean ready(int port) {
        try {
            return Http.get("http://127.0.0.1:" + port + "/health/ready").statusCode() == 200;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    private static String runConfigCommand(ConfigLoader loader) {
        CommandLine cli = PipelineCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        List<String> args = new ArrayList<>(List.of("config"));
        for (Map.Entry<String, String> e : loader.effectiveValues().entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        assertEquals(0, cli.execute(args.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    private static String dropHeaders(PipelineConfig config) {
        StringBuilder all = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().dropped())) {
            for (Header h : r.headers()) {
                all.append(h.key()).append('=').append(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)).append('\n');
            }
            assertEquals("NON_RETRYABLE", PipelineHeaders.get(r.headers(), PipelineHeaders.DROP_REASON));
        }
        return all.toString();
    }
}
