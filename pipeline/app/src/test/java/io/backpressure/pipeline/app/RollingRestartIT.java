package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

/**
 * Rolling restarts on the real broker, two instances of one application in this JVM. The session timeout stays at
 * Kafka's 45 s default, so a departed member that did not leave the group would hold its partitions that long.
 */
class RollingRestartIT {

    private static ConfigLoader instance(ConfigLoader shared, String name) {
        return shared.set("pipeline.state-dir", Path.of("target", "streams-state", name + "-" + UUID.randomUUID()).toAbsolutePath().toString());
    }

    @Test
    void aStoppedInstanceLeavesTheGroupSoTheOtherOwnsEveryPartitionWithinFiveSeconds() throws Exception {
        ConfigLoader shared = ItConfig.forTest("leave");
        PipelineConfig a = instance(shared, "a").load();
        PipelineConfig b = instance(shared, "b").load();
        try (PipelineApp second = PipelineApp.start(b)) {
            PipelineApp first = PipelineApp.start(a);
            Await.until("both instances own input partitions", Duration.ofSeconds(60),
                    () -> !inputPartitions(first, a).isEmpty() && !inputPartitions(second, b).isEmpty());
            long stopped = System.nanoTime();
            first.close();
            Await.until("the remaining instance owns all 4 input partitions", Duration.ofSeconds(5),
                    () -> inputPartitions(second, b).size() == 4 && second.streams().state() == KafkaStreams.State.RUNNING,
                    () -> "owns " + inputPartitions(second, b) + ", state " + second.streams().state());
            System.out.printf("RollingRestartIT: the other instance owned every partition %d ms after the stop%n",
                    (System.nanoTime() - stopped) / 1_000_000);
        }
    }

    @Test
    void aStaticMemberRestartedWithItsIdGetsItsPartitionsBackAndTheOtherInstancesTasksStay() throws Exception {
        ConfigLoader shared = ItConfig.forTest("static");
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        PipelineConfig a = instance(shared, "a").set("pipeline.instance-id", "a-" + suffix).load();
        PipelineConfig b = instance(shared, "b").set("pipeline.instance-id", "b-" + suffix).load();
        try (PipelineApp other = PipelineApp.start(b)) {
            PipelineApp restarted = PipelineApp.start(a);
            Await.until("both instances own input partitions", Duration.ofSeconds(90),
                    () -> !inputPartitions(restarted, a).isEmpty() && !inputPartitions(other, b).isEmpty()
                            && inputPartitions(restarted, a).size() + inputPartitions(other, b).size() == 4);
            Set<String> before = inputPartitions(restarted, a);
            Set<String> othersBefore = inputPartitions(other, b);
            List<String> othersOwnership = new CopyOnWriteArrayList<>();
            restarted.close();
            long stopped = System.nanoTime();
            try (PipelineApp back = PipelineApp.start(a)) {
                Await.until("the restarted instance owns its partitions again", Duration.ofSeconds(40), () -> {
                    othersOwnership.add(inputPartitions(other, b).toString());
                    return inputPartitions(back, a).equals(before) && back.streams().state() == KafkaStreams.State.RUNNING;
                }, () -> "owns " + inputPartitions(back, a) + ", had " + before);
                long backMs = (System.nanoTime() - stopped) / 1_000_000;
                assertTrue(backMs < 40_000, "back within the session timeout");
                assertFalse(othersOwnership.isEmpty());
                for (String owned : othersOwnership) {
                    assertEquals(othersBefore.toString(), owned, "the other instance's tasks never moved");
                }
                System.out.printf("RollingRestartIT: a static member had %s back %d ms after its stop; the other kept %s%n", before,
                        backMs, othersBefore);
            }
        }
    }

    /**
     * A stream thread polls (and so takes part in a rebalance) only once it has handed every record it buffered to the
     * window. With a full window of slow calls that took minutes when Kafka Streams buffered a thousand records per
     * partition; the buffer now follows the window, so a newcomer gets its partitions within a few call latencies.
     */
    @Test
    void anInstanceJoiningWhileTheOthersWindowIsFullGetsPartitionsWithinSeconds() throws Exception {
        ConfigLoader shared = ItConfig.forTest("join-full")
                .set("pipeline.window.capacity", "20")
                .set("pipeline.handler.simulated.latency", "2s").set("pipeline.handler.simulated.distribution", "fixed")
                .set("pipeline.handler.timeout", "5s");
        PipelineConfig a = instance(shared, "a").load();
        PipelineConfig b = instance(shared, "b").load();
        ItConfig.createTopics(a);
        try (PipelineApp busy = PipelineApp.start(a)) {
            Await.until("the first instance owns all 4 input partitions", Duration.ofSeconds(60),
                    () -> inputPartitions(busy, a).size() == 4 && busy.streams().state() == KafkaStreams.State.RUNNING);
            // About 10 requests/s get through, so this backlog outlasts the test many times over.
            new RequestProducer(a.kafka().bootstrapServers(), a.kafka().schemaRegistryUrl(), a.topics().input(), Clock.systemUTC())
                    .produce(new ProduceSpec(4_000, 0, 100, 10, null, "join-full"), n -> { });
            Await.until("the first instance's window is full", Duration.ofSeconds(30), () -> busy.window().inFlight() == 20);
            long joining = System.nanoTime();
            try (PipelineApp newcomer = PipelineApp.start(b)) {
                Await.until("the newcomer owns input partitions", Duration.ofSeconds(30),
                        () -> !inputPartitions(newcomer, b).isEmpty() && newcomer.streams().state() == KafkaStreams.State.RUNNING,
                        () -> "newcomer owns " + inputPartitions(newcomer, b) + ", state " + newcomer.streams().state()
                                + "; busy instance owns " + inputPartitions(busy, a) + ", " + busy.window().inFlight() + " in flight");
                System.out.printf("RollingRestartIT: a newcomer owned %s %d ms after its start, beside a full window of 2 s calls%n",
                        inputPartitions(newcomer, b), (System.nanoTime() - joining) / 1_000_000);
            }
        }
    }

    /** The input-topic partitions this instance's threads own as active tasks. */
    private static Set<String> inputPartitions(PipelineApp app, PipelineConfig config) {
        Set<String> owned = new TreeSet<>();
        try {
            for (ThreadMetadata thread : app.streams().metadataForLocalThreads()) {
                thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(config.topics().input())).forEach(tp -> owned.add(tp.toString())));
            }
        } catch (IllegalStateException notRunning) {
            // not started or already closed: owns nothing
        }
        return owned;
    }
}
