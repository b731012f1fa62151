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
 * labels, so the sum over both instances' /metrics is the group's lag as Kafka reports it, not twice it. Calls take
 * 2 s through a window of 20, so the backlog drains slowly (about 20 requests/s) and an instance's figure, at most a
 * refresh old, lies between a Kafka reading taken a second before the scrape and one taken after it.
 */
class FleetLagMetricsIT {
    private static final Pattern LAG = Pattern.compile(
            "^pipeline_consumer_lag_records\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    @Test
    void eachPartitionsLagIsExportedOnceAndTheSumIsTheGroupsLag() throws InterruptedException {
        ConfigLoader loader = ItConfig.forTest("fleet-lag")
                .set("pipeline.window.capacity", "20")
                .set("pipeline.handler.simulated.latency", "2s").set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.handler.timeout", "5s")
                .set("pipeline.lag.refresh-interval", "300ms");
        PipelineConfig first = loader.set("pipeline.http.port", Integer.toString(Ports.ephemeral())).load();
        PipelineConfig second = loader.set("pipeline.state-dir", Path.of(first.kafka().stateDir() + "-second").toString())
                .set("pipeline.http.port", Integer.toString(Ports.ephemeral())).load();
        ItConfig.createTopics(first);
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
            // The backlog comes once the two share the partitions: this test is about metrics, not about a newcomer
            // joining while the other instance's window is full (see the README's "Running many instances").
            new RequestProducer(first.kafka().bootstrapServers(), first.kafka().schemaRegistryUrl(), input, Clock.systemUTC())
                    .produce(new ProduceSpec(2_000, 0, 100, 10, null, "fleet"), n -> { });
            // Lag only falls now (everything is produced): Kafka's reading from a second before the scrape bounds the
            // instances' figures from above, and one after it from below. Counted twice, the sum would be far above.
            long[] before = {groupLag(kafka, app, input), System.nanoTime()};
            Await.until("the lag summed over both instances between Kafka's readings around it", Duration.ofSeconds(60), () -> {
                if (System.nanoTime() - before[1] < 1_000_000_000L) {
                    return false;
                }
                double exported = lagByPartition(a, input, app).values().stream().mapToDouble(Double::doubleValue).sum()
                        + lagByPartition(b, input, app).values().stream().mapToDouble(Double::doubleValue).sum();
                long after = groupLag(kafka, app, input);
                last[0] = "Kafka " + before[0] + " a second before, instances " + exported + ", Kafka " + after + " after";
                boolean agrees = after > 0 && after <= exported && exported <= before[0];
                before[0] = after;
                before[1] = System.nanoTime();
                return agrees;
            }, () -> last[0]);
            System.out.println("FleetLagMetricsIT: " + last[0]);
        }
    }

    private static long groupLag(LagReader kafka, String group, String input) {
        return kafka.read(group, Set.of(input)).stream().mapToLong(PartitionLag::lag).sum();
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
