package io.backpressure.pipeline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import io.backpressure.pipeline.testing.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.Set;
import java.util.HashSet;
import java.util.List;
import java.nio.file.Path;
import java.nio.file.Files;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Scrapes the real app's endpoints during a run and checks them against what happened on the topics. */
class ObservabilityIT {

    @Test
    void metricsMatchTheTopicsAndHealthEndpointsReportReadiness() {
        int port = Ports.ephemeral();
        PipelineConfig config = ItConfig.forTest("observe")
                .set("pipeline.http.port", Integer.toString(port))
                .set("pipeline.handler.simulated.failure-rate", "0.3")
                .set("pipeline.retry.max-attempts", "2")
                .set("pipeline.retry.base", "10ms")
                .set("pipeline.retry.cap", "50ms")
                .set("pipeline.retry.budget.tokens", "50")
                .set("pipeline.lag.refresh-interval", "500ms")
                .set("pipeline.window.limit", "vegas")
                .load();
        int count = 2000;
        String base = "http://127.0.0.1:" + port;
        try (PipelineApp app = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("obs-"), true)) {
            Await.until("readiness", Duration.ofSeconds(60), () -> Http.get(base + "/health/ready").statusCode() == 200);
            assertEquals(200, Http.get(base + "/health/live").statusCode());
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(new ProduceSpec(count, 0, 100, 10, null, "obs"), n -> { });
            Await.until("all accounted", Duration.ofSeconds(60), () -> {
                var t = reader.poll(Duration.ofMillis(200));
                return t.results() + t.dropped() >= count;
            });
            Map<DropReason, Integer> onTopic = new EnumMap<>(DropReason.class);
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(config.kafka().bootstrapServers(), config.topics().dropped())) {
                onTopic.merge(DropReason.valueOf(PipelineHeaders.get(r.headers(), PipelineHeaders.DROP_REASON)), 1, Integer::sum);
            }
            String metrics = Http.get(base + "/metrics").body();
            for (DropReason reason : DropReason.values()) {
                assertEquals(onTopic.getOrDefault(reason, 0), (int) Http.sample(metrics, "pipeline_drops_total", "reason=\"" + reason + "\""),
                        "drops with reason " + reason);
            }
            assertTrue(onTopic.getOrDefault(DropReason.RETRIES_EXHAUSTED, 0) > 0, "some requests ran out of attempts: " + onTopic);
            assertEquals(reader.tally().results(), (long) Http.sample(metrics, "pipeline_results_total"));
            assertEquals(1000, Http.sample(metrics, "pipeline_window_capacity"));
            // The adaptive limit saw 2,000 calls: its limit and its measurements are exported as they are now.
            assertEquals(app.window().limit(), Http.sample(metrics, "pipeline_window_limit"));
            assertTrue(Http.sample(metrics, "pipeline_window_no_load_latency_seconds") > 0, "no-load latency measured");
            assertTrue(Http.sample(metrics, "pipeline_window_latency_seconds") > 0, "latency measured");
            assertEquals(0, Http.sample(metrics, "pipeline_paused"));
            assertTrue(Http.sample(metrics, "pipeline_handler_latency_seconds_count") >= count);
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams' own metrics are exposed");
            Await.until("lag metrics for the input topic", Duration.ofSeconds(30), () -> !Double.isNaN(Http.sample(
                    Http.get(base + "/metrics").body(), "pipeline_consumer_lag_records", "topic=\"" + config.topics().input() + "\"")));
            assertEveryMetricNamedIsExported(Http.get(base + "/metrics").body());
            String status = Http.get(base + "/api/status").body();
            assertTrue(status.contains("\"state\":\"RUNNING\""), status);
            assertTrue(Http.get(base + "/").body().contains("<svg id=\"chart-lag\""));
        }
    }

    /** The shipped alert rules and dashboard query only series this app exports (they would stay silent or empty otherwise). */
    private static void assertEveryMetricNamedIsExported(String metrics) {
        Set<String> exported = new HashSet<>();
        metrics.lines().filter(line -> !line.startsWith("#")).forEach(line -> exported.add(line.split("[{ ]", 2)[0]));
        Path root = Path.of("..", "..");
        for (Path file : List.of(root.resolve("deploy/prometheus/alerts.yml"), root.resolve("deploy/grafana/dashboards/pipeline.json"))) {
            Matcher named = Pattern.compile("\\bpipeline_[a-z_]+\\b").matcher(readString(file));
            Set<String> names = new HashSet<>();
            while (named.find()) {
                names.add(named.group());
            }
            assertTrue(names.size() >= 6, file + " names metrics: " + names);
            names.removeAll(exported);
            assertTrue(names.isEmpty(), file + " names metrics the app does not export: " + names);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
