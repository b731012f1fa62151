package io.backpressure.pipeline.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one application: each exports the lag of the partitions it owns, with the group and application
 * labels, so the sum over both instances' /metrics is the group's lag as Kafka reports it, not twice it. The calls
 * take 10 minutes (and time out after 90 s, longer than the test) so the committed offsets, and the lag, hold still
 * once the windows are full.
 */
class FleetLagMetricsIT {
    private static final Pattern LAG = Pattern.compile(
            "^pipeline_consumer_lag_records\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    @Test
    void eachPartitionsLagIsExportedOnceAndTheSumIsTheGroupsLag() {
        ConfigLoader loader = ItConfig.forTest("fleet-lag")
                .set("pipeline.window.capacity", "20")
                .set("pipeline.handler.simulated.latency", "10m").set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.handler.timeout", "90s")
                .set("pipeline.lag.refresh-interval", "300ms");
        PipelineConfig first = loader.set("pipeline.http.port", Integer.toString(Ports.ephemeral())).load();
        PipelineConfig second = loader.set("pipeline.state-dir", Path.of(first.kafka().stateDir() + "-second").toString())
                .set("pipeline.http.port", Integer.toString(Ports.ephemeral())).load();
        ItConfig.createTopics(first);
        int count = 2_000;
        new RequestProducer(first.kafka().bootstrapServers(), first.kafka().schemaRegistryUrl(), first.topics().input(), Clock.systemUTC())
                .produce(new ProduceSpec(count, 0, 100, 10, null, "fleet"), n -> { });
        String input = first.topics().input();
        String app = first.kafka().applicationId();
        try (PipelineApp a = PipelineApp.start(first); PipelineApp b = PipelineApp.start(second);
             LagReader kafka = new LagReader(first.kafka().bootstrapServers(), Clock.systemUTC())) {
            String[] last = new String[1];
            Await.until("both instances export their own input partitions, and together all 4, once each", Duration.ofSeconds(90), () -> {
                Map<String, Double> fromA = lagByPartition(a, input, app);
                Map<String, Double> fromB = lagByPartition(b, input, app);
                Set<String> both = new HashSet<>(fromA.keySet());
                both.retainAll(fromB.keySet());
                Set<String> all = new HashSet<>(fromA.keySet());
                all.addAll(fromB.keySet());
                last[0] = "A " + fromA + ", B " + fromB;
                return !fromA.isEmpty() && !fromB.isEmpty() && both.isEmpty() && all.size() == 4;
            }, () -> last[0]);
            Await.until("the lag summed over both instances equals the group's lag from Kafka", Duration.ofSeconds(60), () -> {
                double exported = lagByPartition(a, input, app).values().stream().mapToDouble(Double::doubleValue).sum()
                        + lagByPartition(b, input, app).values().stream().mapToDouble(Double::doubleValue).sum();
                long fromKafka = kafka.read(app, Set.of(input)).stream().mapToLong(PartitionLag::lag).sum();
                last[0] = "exported " + exported + ", Kafka " + fromKafka;
                return fromKafka > 0 && exported == fromKafka;
            }, () -> last[0]);
            System.out.println("FleetLagMetricsIT: " + last[0]);
        }
    }

    /** partition -> lag of the input topic's series in one instance's /metrics, checking each series' group and application. */
    private static Map<String, Double> lagByPartition(PipelineApp app, String topic, String applicationId) {
        Map<String, Double> lag = new HashMap<>();
        Matcher m = LAG.matcher(Http.get("http://127.0.0.1:" + app.httpPort() + "/metrics").body());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("topic=\"" + topic + "\"")) {
                assertTrue(labels.contains("group=\"" + applicationId + "\"") && labels.contains("application=\"" + applicationId + "\""),
                        labels);
                Matcher partition = Pattern.compile("partition=\"(\\d+)\"").matcher(labels);
                assertTrue(partition.find(), labels);
                assertEquals(null, lag.put(partition.group(1), Double.parseDouble(m.group(2))), "one series per partition: " + labels);
            }
        }
        return lag;
    }
}
