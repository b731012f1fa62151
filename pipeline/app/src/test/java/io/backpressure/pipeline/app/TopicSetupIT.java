package io.backpressure.pipeline.app;

import io.backpressure.pipeline.topology.TopicSetup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.testing.ItConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** Topic handling for production clusters: the broker's replication default, and a check-only mode. */
class TopicSetupIT {

    @Test
    void withoutCreatingTopicsTheSetupNamesEachMissingTopicThenAcceptsThemOnceCreated() throws Exception {
        PipelineConfig checkOnly = ItConfig.forTest("nocreate").set("pipeline.topics.create", "false").load();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, checkOnly.kafka().bootstrapServers()))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TopicSetup.ensure(admin, checkOnly.topics(), checkOnly.delayTopics()));
            String topics = String.join(", ", List.of(checkOnly.topics().input(), checkOnly.topics().results(), checkOnly.topics().dropped(),
                    checkOnly.delayTopic(1), checkOnly.delayTopic(2)));
            assertEquals("pipeline.topics.create=false and these topics are missing: " + topics + "; create them with 4 partitions each"
                    + " (pipeline.topics.partitions), or let the pipeline create them", e.getMessage());
            assertEquals(0, admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(checkOnly.kafka().applicationId())).count(), "nothing created");

            ItConfig.createTopics(checkOnly);
            TopicSetup.ensure(admin, checkOnly.topics(), checkOnly.delayTopics());
            TopicDescription input = admin.describeTopics(List.of(checkOnly.topics().input())).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(checkOnly.topics().input());
            assertEquals(1, input.partitions().get(0).replicas().size(), "replication factor -1 took the broker's default (1 here)");
        }
    }
}
