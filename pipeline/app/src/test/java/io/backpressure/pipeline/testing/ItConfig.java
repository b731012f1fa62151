package io.backpressure.pipeline.testing;

import io.backpressure.pipeline.topology.TopicSetup;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.config.TopicSettings;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import java.nio.file.Path;
import java.util.UUID;

/** Configuration for one integration test: the shared real stack, with topics and group unique to the test. */
public final class ItConfig {
    private ItConfig() {
    }

    /** Creates the pipeline's topics (input, results, dropped, delay topics), for tests that produce before the app starts. */
    public static void createTopics(PipelineConfig config) {
        try (Admin admin = Admin.create(config.kafka().clients().admin(Map.of()))) {
            TopicSettings t = config.topics();
            TopicSetup.ensure(admin, new TopicSettings(t.input(), t.results(), t.dropped(), t.partitions(), t.replicationFactor(), true),
                    config.delayTopics());
        }
    }

    public static ConfigLoader forTest(String name) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        TestStack stack = TestStack.get();
        return new ConfigLoader()
                .set("pipeline.bootstrap-servers", stack.bootstrapServers())
                .set("pipeline.schema-registry.url", stack.registryUrl())
                .set("pipeline.application-id", id)
                .set("pipeline.state-dir", Path.of("target", "streams-state", id).toAbsolutePath().toString())
                .set("pipeline.topics.input", id + "-requests")
                .set("pipeline.topics.results", id + "-results")
                .set("pipeline.topics.dropped", id + "-dropped")
                .set("pipeline.topics.partitions", "4")
                .set("kafka.commit.interval.ms", "200")
                .set("pipeline.http.port", "0");
    }
}
