package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.outcome.PipelineHeaders;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import io.backpressure.pipeline.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The topology under TopologyTestDriver: routing of every outcome, bad input, deadlines, timeouts, and what a commit does with calls in flight. */
class PipelineTopologyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final String registry = "mock://topology-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", registry, "specific.avro.reader", true);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> results;
    private TestOutputTopic<byte[], byte[]> dropped;
    private final AvroSerializer<WorkRequest> requestSerializer = new AvroSerializer<>();
    private final AvroDeserializer<WorkResult> resultDeserializer = new AvroDeserializer<>();

    private void start(TestHandler handler, String... settings) {
        ConfigLoader loader = new ConfigLoader().set("pipeline.schema-registry.url", registry).set("pipeline.window.capacity", "4")
                .set("pipeline.retry.default-ttl", "0s");
        for (int i = 0; i < settings.length; i += 2) {
            loader.set(settings[i], settings[i + 1]);
        }
        PipelineConfig config = loader.load();
        AvroDeserializer<WorkRequest> requests = new AvroDeserializer<>();
        requests.configure(serdeConfig, false);
        AvroSerializer<WorkResult> resultSerializer = new AvroSerializer<>();
        resultSerializer.configure(serdeConfig, false);
        requestSerializer.configure(serdeConfig, false);
        resultDeserializer.configure(serdeConfig, false);
        var topology = PipelineTopology.build(config, handler, InstanceState.of(config), requests, resultSerializer,
                Clock.fixed(NOW, ZoneOffset.UTC), 7L);
        var props = config.streamsProperties();
        driver = new TopologyTestDriver(topology, props);
        input = driver.createInputTopic(config.topics().input(), new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic(config.topics().results(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dropped = driver.createOutputTopic(config.topics().dropped(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private byte[] encode(WorkRequest request) {
        return requestSerializer.serialize("work-requests", request);
    }

    private static WorkRequest request(String id, Instant deadline) {
        return WorkRequest.newBuilder().setRequestId(id).setKey("k-" + id)
                .setPayload(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setCreatedAt(NOW.minusMillis(250)).setDeadline(deadline).build();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return PipelineHeaders.get(record.headers(), name);
    }

    @Test
    void successBecomesAResultWithAttemptsAndLatency() {
        start(TestHandler.always(Outcome.success("ok".getBytes(StandardCharsets.UTF_8))));
        input.pipeInput("k-a".getBytes(StandardCharsets.UTF_8), encode(request("a", null)));
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertEquals(1, out.size());
        WorkResult result = resultDeserializer.deserialize("work-results", out.get(0).value());
        assertEquals("a", result.getRequestId());
        assertEquals(1, result.getAttempts());
        assertEquals(250, result.getLatencyMs());
        assertArrayEquals("k-a".getBytes(StandardCharsets.UTF_8), out.get(0).key());
        assertTrue(dropped.isEmpty());
    }

    @Test
    void undecodableRecordsAreDroppedWithReasonAndOriginalBytesAndTheNextRecordStillWorks() {
        TestHandler handler = TestHandler.always(Outcome.success(new byte[0]));
        start(handler);
        byte[] random = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] unknownId = {0, 0, 0, 0x27, 0x0F, 2, 'x'};
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), random);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), unknownId);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[0]);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), (byte[]) null);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("good", null)));
        List<TestRecord<byte[], byte[]>> drops = dropped.readRecordsToList();
        assertEquals(4, drops.size());
        for (TestRecord<byte[], byte[]> drop : drops) {
            assertEquals("UNDECODABLE", header(drop, PipelineHeaders.DROP_REASON));
            assertEquals("work-requests", header(drop, PipelineHeaders.ORIGINAL_TOPIC));
            assertEquals("0", header(drop, PipelineHeaders.ATTEMPTS));
        }
        assertArrayEquals(random, drops.get(0).value());
        assertArrayEquals(unknownId, drops.get(1).value());
        assertEquals("0", header(drops.get(0), PipelineHeaders.ORIGINAL_OFFSET));
        assertEquals("1", header(drops.get(1), PipelineHeaders.ORIGINAL_OFFSET));
        assertTrue(header(drops.get(0), PipelineHeaders.LAST_ERROR).toLowerCase().contains("magic"),
                header(drops.get(0), PipelineHeaders.LAST_ERROR));
        assertTrue(header(drops.get(1), PipelineHeaders.LAST_ERROR).contains("9999"), header(drops.get(1), PipelineHeaders.LAST_ERROR));
        assertEquals(List.of("good"), handler.calls);
        assertEquals(1, results.readRecordsToList().size());
    }

    @Test
    void requestPastItsDeadlineIsDroppedWithoutCallingTheHandler() {
        TestHandler handler = TestHandler.always(Outcome.success(new byte[0]));
        start(handler);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("late", NOW.minusSeconds(1))));
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("DEADLINE_EXCEEDED", header(drop, PipelineHeaders.DROP_REASON));
        assertEquals("late", header(drop, PipelineHeaders.REQUEST_ID));
        assertTrue(handler.calls.isEmpty());
    }

    @Test
    void nonRetryableFailureIsDroppedAsNonRetryable() {
        start(TestHandler.always(new Outcome.NonRetryableFailure<>("HTTP 400")));
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("bad", null)));
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("NON_RETRYABLE", header(drop, PipelineHeaders.DROP_REASON));
        assertEquals("HTTP 400", header(drop, PipelineHeaders.LAST_ERROR));
        assertEquals("1", header(drop, PipelineHeaders.ATTEMPTS));
    }

    @Test
    void inDrainModeACallThatFinishesLaterIsForwardedBeforeTheCommitOfItsRecord() {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            start(new TestHandler(r -> {
                CompletableFuture<Outcome<byte[]>> f = new CompletableFuture<>();
                later.schedule(() -> f.complete(Outcome.success(new byte[0])), 200, TimeUnit.MILLISECONDS);
                return f;
            }), "pipeline.commit.mode", "drain");
            for (int i = 0; i < 10; i++) {
                input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("slow-" + i, null)));
            }
            // The driver commits after each record; the drain hook makes that commit wait for the call's outcome.
            assertEquals(10, results.readRecordsToList().size());
            assertEquals(0, storedRequests().size(), "drain mode persists nothing");
        } finally {
            later.shutdownNow();
        }
    }

    /**
     * The driver commits after each record. In persist mode that commit does not wait: it writes the requests still in
     * flight to the in-flight store, and the commit after their outcomes are forwarded strikes them.
     */
    @Test
    void aCommitPersistsTheCallsInFlightInsteadOfWaitingAndDeletesThemOnceRouted() {
        List<CompletableFuture<Outcome<byte[]>>> answers = new CopyOnWriteArrayList<>();
        start(answeredByTheTest(answers));
        for (int i = 0; i < 4; i++) {
            input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("slow-" + i, null)));
        }
        assertTrue(results.isEmpty(), "no commit waited for a call");
        List<PersistedCalls.Stored> stored = storedRequests();
        assertEquals(4, stored.size());
        assertEquals(1, stored.get(0).state().attempt());
        assertEquals(NOW.toEpochMilli(), stored.get(0).state().firstAttemptAtMs());
        Record<byte[], byte[]> first = stored.get(0).record();
        assertEquals("work-requests", PipelineHeaders.get(first.headers(), PipelineHeaders.ORIGINAL_TOPIC));
        assertEquals("0", PipelineHeaders.get(first.headers(), PipelineHeaders.ORIGINAL_OFFSET));
        assertArrayEquals(encode(request("slow-0", null)), first.value(), "the original bytes are what is persisted");

        // Three of the four answer: the commit after their outcomes rewrites the batch with the fourth only, so a
        // crash now would call again nothing whose result is already out.
        for (int i = 0; i < 3; i++) {
            answers.get(i).complete(Outcome.success(new byte[0]));
        }
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertEquals(3, results.readRecordsToList().size());
        driver.advanceWallClockTime(Duration.ofMillis(50));
        List<PersistedCalls.Stored> left = storedRequests();
        assertEquals(1, left.size());
        assertArrayEquals(encode(request("slow-3", null)), left.get(0).record().value());

        answers.get(3).complete(Outcome.success(new byte[0]));
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertEquals(1, results.readRecordsToList().size());
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertEquals(0, storedRequests().size(), "routed calls leave the store at the next commit");
        assertEquals(0, storeEntries(), "an emptied batch is deleted");
    }

    private int storeEntries() {
        KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(PipelineTopology.IN_FLIGHT_STORE);
        int entries = 0;
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                entries++;
            }
        }
        return entries;
    }

    /**
     * Calls finish in a seeded random order while records keep arriving, some waiting in the launch queue for a slot.
     * After every commit the store holds no more requests than the window and its launch queue (4 + 4 here), and once
     * everything is answered it holds none.
     */
    @Test
    void theStoreNeverHoldsMoreThanTheWindowAndItsLaunchQueue() {
        List<CompletableFuture<Outcome<byte[]>>> answers = new CopyOnWriteArrayList<>();
        start(answeredByTheTest(answers));
        SplittableRandom random = new SplittableRandom(11);
        int completed = 0;
        int most = 0;
        for (int i = 0; i < 200; i++) {
            List<CompletableFuture<Outcome<byte[]>>> open = answers.stream().filter(f -> !f.isDone()).toList();
            int admitted = i - completed;
            if (admitted == 8 || (!open.isEmpty() && random.nextInt(3) == 0)) {
                open.get(random.nextInt(open.size())).complete(Outcome.success(new byte[0]));
                completed++;
            }
            input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("r-" + i, null)));
            int stored = storedRequests().size();
            assertTrue(stored <= 8, stored + " requests stored after record " + i + " with a window of 4 and a queue of 4");
            most = Math.max(most, stored);
        }
        assertTrue(most > 4, "calls queued for a slot are persisted too; at most " + most + " were");
        List<TestRecord<byte[], byte[]>> out = new ArrayList<>();
        Await.until("every call answered and forwarded", Duration.ofSeconds(10), () -> {
            answers.forEach(f -> f.complete(Outcome.success(new byte[0])));
            driver.advanceWallClockTime(Duration.ofMillis(20));
            out.addAll(results.readRecordsToList());
            return out.size() == 200;
        });
        driver.advanceWallClockTime(Duration.ofMillis(20));
        assertEquals(0, storedRequests().size());
    }

    @Test
    void handlerThatNeverCompletesTimesOutAndIsRoutedAsAFailure() {
        TestHandler never = new TestHandler(r -> new CompletableFuture<>());
        start(never, "pipeline.handler.timeout", "200ms", "pipeline.retry.max-attempts", "1");
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), encode(request("stuck", null)));
        Await.until("the call timed out and was dropped", Duration.ofSeconds(5), () -> {
            driver.advanceWallClockTime(Duration.ofMillis(20));
            return !dropped.isEmpty();
        });
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("RETRIES_EXHAUSTED", header(drop, PipelineHeaders.DROP_REASON));
        assertTrue(header(drop, PipelineHeaders.LAST_ERROR).startsWith("TimeoutException"), header(drop, PipelineHeaders.LAST_ERROR));
    }

    /** A handler whose calls finish when the test completes their futures, collected in {@code answers}. */
    private static TestHandler answeredByTheTest(List<CompletableFuture<Outcome<byte[]>>> answers) {
        return new TestHandler(r -> {
            CompletableFuture<Outcome<byte[]>> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        });
    }

    /** The requests the in-flight store holds, in the order they were persisted. */
    private List<PersistedCalls.Stored> storedRequests() {
        KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(PipelineTopology.IN_FLIGHT_STORE);
        List<PersistedCalls.Stored> stored = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> stored.addAll(PersistedCalls.decode(entry.value)));
        }
        return stored;
    }

    @Test
    void registryOutageStopsTheThreadInsteadOfDroppingAValidRecord() {
        // A registry nobody listens on: every lookup fails with a retriable REGISTRY_UNAVAILABLE.
        String down = "http://127.0.0.1:" + portNobodyListensOn() + "/apis/ccompat/v7";
        PipelineConfig config = new ConfigLoader().set("pipeline.schema-registry.url", down)
                .set("pipeline.handler.timeout", "100ms").load();
        Map<String, Object> serde = Map.of("schema.registry.url", down, "specific.avro.reader", true);
        AvroDeserializer<WorkRequest> requests = new AvroDeserializer<>();
        requests.configure(serde, false);
        AvroSerializer<WorkResult> resultSerializer = new AvroSerializer<>();
        resultSerializer.configure(serde, false);
        TestHandler handler = TestHandler.always(Outcome.success(new byte[0]));
        driver = new TopologyTestDriver(PipelineTopology.build(config, handler, InstanceState.of(config), requests, resultSerializer,
                Clock.fixed(NOW, ZoneOffset.UTC), 7L), config.streamsProperties());
        input = driver.createInputTopic(config.topics().input(), new ByteArraySerializer(), new ByteArraySerializer());
        dropped = driver.createOutputTopic(config.topics().dropped(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        byte[] wellFormed = {0, 0, 0, 0, 1, 2, 'x'};
        RuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> input.pipeInput("k".getBytes(StandardCharsets.UTF_8), wellFormed));
        String chain = "";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain += t.getMessage() + " | ";
        }
        assertTrue(chain.contains("schema registry unavailable"), chain);
        assertTrue(dropped.isEmpty(), "a record that may be valid must not be dropped because the registry is down");
        assertTrue(handler.calls.isEmpty());
    }

    private static int portNobodyListensOn() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
