package io.backpressure.pipeline.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.StreamThread;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract the drain hook relies on, checked on a real broker with the pinned Kafka Streams version. If an
 * upgrade changes any of it, this fails loudly and the hook must be revisited before the upgrade lands:
 * <ol>
 *   <li>a caching store's {@code flushCache()} is called before the task's offsets are committed;</li>
 *   <li>records forwarded from inside it, outside {@code process()}, reach the sink and are covered by that commit;</li>
 *   <li>{@link StreamThreadForwarder#flushProducer()} from inside it returns only once those records are acknowledged
 *       (the timer store deletes retries after it under at_least_once);</li>
 *   <li>a changelogged store write made inside it is readable (read_committed) in the changelog by the time the
 *       offsets that commit covers are committed: the persisted calls of {@code pipeline.commit.mode=persist};</li>
 *   <li>the commit that closes a task on shutdown runs it with the stream thread in {@code PENDING_SHUTDOWN} (the
 *       handover wait looks for that state).</li>
 * </ol>
 * The processor holds every record back (as if its call were in flight) and forwards only from the hook, where it also
 * writes each record's offset to a changelogged store.
 */
class CommitOrderContractIT {
    private static final String ON_UPGRADE = " -- ON A KAFKA UPGRADE check, in Kafka Streams' StreamTask#prepareCommit, that "
            + "ProcessorStateManager#flushCache still calls CachedStateStore#flushCache before the record collector's flush and the"
            + " offset commit, and that ProcessorContextImpl still implements RecordCollector.Supplier; then revisit"
            + " topology/internal (DrainHookStore, StreamThreadForwarder) before the upgrade lands";

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void flushCacheRunsBeforeTheOffsetCommitAndItsForwardsAreCommitted(String guarantee) throws Exception {
        String bootstrap = TestStack.get().bootstrapServers();
        String id = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        String in = id + "-in";
        String out = id + "-out";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            List<long[]> hookCalls = new CopyOnWriteArrayList<>();
            Topology topology = holdingTopology(in, out, () -> new HoldingProcessor(admin, id, new TopicPartition(in, 0),
                    new TopicPartition(out, 0), hookCalls, java.util.concurrent.ConcurrentHashMap.newKeySet()));
            try (KafkaStreams streams = new KafkaStreams(topology, streamsProperties(id, bootstrap, guarantee, 200))) {
                streams.start();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        Serdes.String().serializer(), Serdes.String().serializer())) {
                    for (int i = 0; i < 50; i++) {
                        producer.send(new ProducerRecord<>(in, "k", "v" + i)).get();
                    }
                }
                Await.until("offset 50 committed", Duration.ofSeconds(60), () -> committed(admin, id, new TopicPartition(in, 0)) == 50);
                // Every offset below a committed one was written to the store in the hook of that commit or an earlier one.
                String changelog = id + "-persisted-changelog";
                long committedNow = committed(admin, id, new TopicPartition(in, 0));
                Set<String> persisted = readCommitted(bootstrap, changelog, (int) committedNow, Serdes.Long().deserializer());
                for (long offset = 0; offset < committedNow; offset++) {
                    assertTrue(persisted.contains(Long.toString(offset)), "offset " + offset + " is committed but its store write is not in "
                            + changelog + ": the hook's store writes are not part of the commit" + ON_UPGRADE);
                }
            }

            assertFalse(hookCalls.isEmpty(), "flushCache was never called: the drain hook would never run" + ON_UPGRADE);
            for (long[] call : hookCalls) {
                long heldUpTo = call[0];
                long committedDuringHook = call[1];
                assertTrue(committedDuringHook < heldUpTo, "offset " + committedDuringHook
                        + " was already committed while the hook held records up to offset " + heldUpTo + ": the commit ran before flushCache"
                        + ON_UPGRADE);
                long forwardedSoFar = call[2];
                long acknowledgedAfterFlush = call[3];
                assertTrue(acknowledgedAfterFlush >= forwardedSoFar, "flushProducer() returned with " + acknowledgedAfterFlush + " of "
                        + forwardedSoFar + " forwarded records in the sink topic" + ON_UPGRADE);
            }
            assertEquals(50, readCommitted(bootstrap, out, 50, Serdes.String().deserializer()).size(), "every record forwarded from the hook reached the sink" + ON_UPGRADE);
        }
    }

    /** A graceful close commits a task holding records: the hook runs then, with the stream thread in PENDING_SHUTDOWN. */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aGracefulCloseRunsTheHookInPendingShutdown(String guarantee) throws Exception {
        String bootstrap = TestStack.get().bootstrapServers();
        String id = "contract-close-" + UUID.randomUUID().toString().substring(0, 8);
        String in = id + "-in";
        String out = id + "-out";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            List<long[]> hookCalls = new CopyOnWriteArrayList<>();
            Set<StreamThread.State> hookStates = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            Topology topology = holdingTopology(in, out, () -> new HoldingProcessor(admin, id, new TopicPartition(in, 0),
                    new TopicPartition(out, 0), hookCalls, hookStates) {
                @Override
                public void process(Record<String, String> record) {
                    super.process(record);
                    received.incrementAndGet();
                }
            });
            // No interval commit during the test: the only commit is the one that closes the task.
            Properties props = streamsProperties(id, bootstrap, guarantee, 120_000);
            props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 180_000);
            try (KafkaStreams streams = new KafkaStreams(topology, props)) {
                streams.start();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        Serdes.String().serializer(), Serdes.String().serializer())) {
                    for (int i = 0; i < 5; i++) {
                        producer.send(new ProducerRecord<>(in, "k", "v" + i)).get();
                    }
                }
                Await.until("5 records held", Duration.ofSeconds(60), () -> received.get() == 5);
                streams.close(Duration.ofSeconds(30));
            }
            assertTrue(hookStates.contains(StreamThread.State.PENDING_SHUTDOWN), "the hook never ran in PENDING_SHUTDOWN, only in "
                    + hookStates + ": the handover wait on a graceful stop would never happen" + ON_UPGRADE);
            assertEquals(5, committed(admin, id, new TopicPartition(in, 0)), "the closing commit covered the held records" + ON_UPGRADE);
        }
    }

    /** in -> held (the processor, with the hook store and a changelogged store) -> out. */
    private static Topology holdingTopology(String in, String out, ProcessorSupplier<String, String, String, String> held) {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), in);
        topology.addProcessor("held", held, "in");
        topology.addStateStore(DrainHookStore.builder("hook"), "held");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("persisted"), Serdes.Long(), Serdes.Long())
                .withCachingDisabled(), "held");
        topology.addSink("out", out, Serdes.String().serializer(), Serdes.String().serializer(), "held");
        return topology;
    }

    private static Properties streamsProperties(String id, String bootstrap, String guarantee, int commitIntervalMs) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "streams-state", id).toAbsolutePath().toString());
        return props;
    }

    static long committed(Admin admin, String group, TopicPartition tp) {
        try {
            OffsetAndMetadata om = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
            return om == null ? -1 : om.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The end offset as a read_uncommitted consumer sees it: every acknowledged record, transactional or not. */
    static long endOffset(Admin admin, TopicPartition tp) {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The distinct values (for the changelog: keys) of partition 0, read_committed, once at least {@code expected} are seen. */
    private static <T> Set<String> readCommitted(String bootstrap, String topic, int expected, org.apache.kafka.common.serialization.Deserializer<T> keys) {
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<T, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, Serdes.String().deserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            boolean changelog = topic.endsWith("-changelog");
            Await.until(expected + " records in " + topic, Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(changelog ? String.valueOf(r.key()) : r.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }

    /** Forwards nothing from process(); everything from the drain hook, recording what was committed at that moment. */
    private static class HoldingProcessor implements Processor<String, String, String, String> {
        private final Admin admin;
        private final String group;
        private final TopicPartition partition;
        private final TopicPartition sink;
        private final List<long[]> hookCalls;
        private final Set<StreamThread.State> hookStates;
        private final List<Object[]> held = new ArrayList<>();
        private KeyValueStore<Long, Long> persisted;
        private StreamThreadForwarder<String, String> forwarder;
        private long forwarded;

        HoldingProcessor(Admin admin, String group, TopicPartition partition, TopicPartition sink, List<long[]> hookCalls,
                         Set<StreamThread.State> hookStates) {
            this.hookStates = hookStates;
            this.admin = admin;
            this.group = group;
            this.partition = partition;
            this.sink = sink;
            this.hookCalls = hookCalls;
        }

        @Override
        public void init(ProcessorContext<String, String> context) {
            forwarder = new StreamThreadForwarder<>(context);
            DrainHookStore hook = context.getStateStore("hook");
            hook.beforeCommit(this::drain);
            persisted = context.getStateStore("persisted");
        }

        @Override
        public void process(Record<String, String> record) {
            held.add(new Object[] {record, forwarder.currentRecordContext()});
        }

        @SuppressWarnings("unchecked")
        private void drain() {
            hookStates.add(((StreamThread) Thread.currentThread()).state());
            if (held.isEmpty()) {
                return;
            }
            long lastHeldOffset = ((ProcessorRecordContext) held.get(held.size() - 1)[1]).offset();
            long committedNow = committed(admin, group, partition);
            for (Object[] h : held) {
                persisted.put(((ProcessorRecordContext) h[1]).offset(), 1L);
                forwarder.forward((Record<String, String>) h[0], "out", (ProcessorRecordContext) h[1]);
                forwarded++;
            }
            held.clear();
            forwarder.flushProducer();
            hookCalls.add(new long[] {lastHeldOffset + 1, committedNow, forwarded, endOffset(admin, sink)});
        }
    }
}
