package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.retry.RetryBudget;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.serde.AvroDeserializer;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.pipeline.testing.MutableClock;
import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries through the delay topics under TopologyTestDriver, with the wall clock advanced by hand: a retry is never
 * released before its due time and is released at it; attempts, budget and deadlines are honoured.
 */
class RetryTopologyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The release timer fires every 5-15 ms (10 ms jittered), so a due retry goes out within this. */
    private static final Duration RELEASE_SLACK = Duration.ofMillis(20);

    private final String registry = "mock://retry-" + UUID.randomUUID();
    private final MutableClock clock = new MutableClock(T0);
    private final AvroSerializer<WorkRequest> requestSerializer = new AvroSerializer<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> results;
    private TestOutputTopic<byte[], byte[]> dropped;
    private TestOutputTopic<byte[], byte[]> delay1;
    private TestOutputTopic<byte[], byte[]> delay2;
    private RetryBudget budget;

    private void start(TestHandler handler, String... settings) {
        // Plain exponential backoff is deterministic: base 1 s gives 2 s before attempt 2 and 4 s before attempt 3.
        ConfigLoader loader = new ConfigLoader().set("pipeline.schema-registry.url", registry)
                .set("pipeline.retry.backoff", "exponential").set("pipeline.retry.base", "1s").set("pipeline.retry.cap", "60s")
                .set("pipeline.retry.max-attempts", "3").set("pipeline.retry.budget.tokens", "0");
        for (int i = 0; i < settings.length; i += 2) {
            loader.set(settings[i], settings[i + 1]);
        }
        PipelineConfig config = loader.load();
        Map<String, Object> serde = Map.of("schema.registry.url", registry, "specific.avro.reader", true);
        AvroDeserializer<WorkRequest> requests = new AvroDeserializer<>();
        requests.configure(serde, false);
        AvroSerializer<WorkResult> resultSerializer = new AvroSerializer<>();
        resultSerializer.configure(serde, false);
        requestSerializer.configure(serde, false);
        InstanceState instance = InstanceState.of(config);
        budget = instance.budget();
        var topology = PipelineTopology.build(config, handler, instance, requests, resultSerializer, clock, 3L);
        driver = new TopologyTestDriver(topology, config.streamsProperties(), T0);
        input = driver.createInputTopic(config.topics().input(), new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic(config.topics().results(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dropped = driver.createOutputTopic(config.topics().dropped(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        delay1 = driver.createOutputTopic(config.delayTopic(1), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        delay2 = driver.createOutputTopic(config.delayTopic(2), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    private void send(String id, Instant deadline) {
        WorkRequest request = WorkRequest.newBuilder().setRequestId(id).setKey("k")
                .setPayload(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8))).setCreatedAt(T0).setDeadline(deadline).build();
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), requestSerializer.serialize("work-requests", request));
    }

    private static TestHandler failing() {
        return TestHandler.always(new Outcome.RetryableFailure<>("Boom: downstream 503"));
    }

    @Test
    void retryIsReleasedAtItsDueTimeAndNeverBefore() {
        TestHandler handler = failing();
        start(handler);
        send("r", null);
        assertEquals(1, handler.calls.size());
        Instant due1 = dueOf(delay1.readRecord());
        assertEquals(T0.plusSeconds(2), due1, "exponential backoff: base 1 s x 2^1");
        advanceTo(due1.minusMillis(1));
        assertEquals(1, handler.calls.size(), "released before its due time");
        advance(RELEASE_SLACK);
        assertEquals(2, handler.calls.size(), "not released within " + RELEASE_SLACK.toMillis() + " ms of its due time");
        Instant due2 = dueOf(delay2.readRecord());
        assertTrue(!due2.isBefore(due1.plusSeconds(4)), "second retry waits base x 2^2 after the second failure");
        advanceTo(due2.minusMillis(1));
        assertEquals(2, handler.calls.size(), "second retry released before its due time");
        advance(RELEASE_SLACK);
        assertEquals(3, handler.calls.size());
        advance(Duration.ofMinutes(5));
        assertEquals(3, handler.calls.size(), "more calls than pipeline.retry.max-attempts");
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("RETRIES_EXHAUSTED", PipelineHeaders.get(drop.headers(), PipelineHeaders.DROP_REASON));
        assertEquals("3", PipelineHeaders.get(drop.headers(), PipelineHeaders.ATTEMPTS));
        assertEquals("Boom: downstream 503", PipelineHeaders.get(drop.headers(), PipelineHeaders.LAST_ERROR));
        assertEquals("work-requests", PipelineHeaders.get(drop.headers(), PipelineHeaders.ORIGINAL_TOPIC));
        assertEquals("0", PipelineHeaders.get(drop.headers(), PipelineHeaders.ORIGINAL_OFFSET));
        assertEquals(T0.toEpochMilli(), PipelineHeaders.getLong(drop.headers(), PipelineHeaders.FIRST_ATTEMPT_AT, -1));
        assertTrue(dropped.isEmpty());
    }

    private static Instant dueOf(TestRecord<byte[], byte[]> delayed) {
        return Instant.ofEpochMilli(PipelineHeaders.getLong(delayed.headers(), PipelineHeaders.DUE_AT, -1));
    }

    private void advanceTo(Instant target) {
        advance(Duration.between(clock.instant(), target));
    }

    @Test
    void requestThatSucceedsOnRetryGetsAResultWithItsAttemptCount() {
        AtomicInteger calls = new AtomicInteger();
        start(new TestHandler(r -> CompletableFuture.completedFuture(calls.incrementAndGet() < 2
                ? new Outcome.RetryableFailure<>("flaky") : Outcome.success(new byte[0]))));
        send("flaky", null);
        advance(Duration.ofSeconds(2));
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertEquals(1, out.size());
        AvroDeserializer<WorkResult> d = new AvroDeserializer<>();
        d.configure(Map.of("schema.registry.url", registry, "specific.avro.reader", true), false);
        assertEquals(2, d.deserialize("work-results", out.get(0).value()).getAttempts());
        assertTrue(dropped.isEmpty());
    }

    @Test
    void retryThatWouldBeDueAfterTheDeadlineIsDroppedAsDeadlineExceeded() {
        TestHandler handler = failing();
        start(handler);
        send("short-lived", T0.plusSeconds(1));
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("DEADLINE_EXCEEDED", PipelineHeaders.get(drop.headers(), PipelineHeaders.DROP_REASON));
        assertEquals(1, handler.calls.size());
    }

    @Test
    void emptyRetryBudgetDropsAsBudgetExhausted() {
        start(failing(), "pipeline.retry.budget.tokens", "10", "pipeline.retry.budget.retry-cost", "5");
        for (int i = 0; i < 3; i++) {
            send("b-" + i, null);
        }
        List<TestRecord<byte[], byte[]>> drops = dropped.readRecordsToList();
        assertEquals(1, drops.size());
        assertEquals("RETRY_BUDGET_EXHAUSTED", PipelineHeaders.get(drops.get(0).headers(), PipelineHeaders.DROP_REASON));
        assertEquals("b-2", PipelineHeaders.get(drops.get(0).headers(), PipelineHeaders.REQUEST_ID));
        assertEquals(0, budget.tokens());
    }

    @Test
    void requestPastTheDefaultTimeToLiveIsShedBeforeTheCall() {
        TestHandler handler = failing();
        start(handler, "pipeline.retry.default-ttl", "1s");
        advance(Duration.ofSeconds(5));
        send("stale", null);
        assertEquals(0, handler.calls.size());
        assertEquals("DEADLINE_EXCEEDED", PipelineHeaders.get(dropped.readRecord().headers(), PipelineHeaders.DROP_REASON));
    }

    private void sendWithHeaders(String id, Headers headers) {
        WorkRequest request = WorkRequest.newBuilder().setRequestId(id).setKey("k")
                .setPayload(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8))).setCreatedAt(T0).build();
        input.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), requestSerializer.serialize("work-requests", request),
                headers));
    }

    @Test
    void inputRecordCarryingAForgedAttemptGetsAllItsAttempts() {
        TestHandler handler = failing();
        start(handler);
        sendWithHeaders("forged", headers(PipelineHeaders.ATTEMPT, "3", PipelineHeaders.DUE_AT, Long.toString(Long.MAX_VALUE)));
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(10));
        }
        assertEquals(3, handler.calls.size(), "every allowed attempt, whatever the input record claimed");
        TestRecord<byte[], byte[]> drop = dropped.readRecord();
        assertEquals("RETRIES_EXHAUSTED", PipelineHeaders.get(drop.headers(), PipelineHeaders.DROP_REASON));
        assertEquals("3", PipelineHeaders.get(drop.headers(), PipelineHeaders.ATTEMPTS));
    }

    @Test
    void inputRecordWithAnAttemptOfZeroNegativeOrHugeIsAFirstAttempt() {
        start(TestHandler.always(Outcome.success(new byte[0])));
        for (String attempt : List.of("0", "-1", "99", "x")) {
            sendWithHeaders("a" + attempt, headers(PipelineHeaders.ATTEMPT, attempt));
        }
        AvroDeserializer<WorkResult> d = new AvroDeserializer<>();
        d.configure(Map.of("schema.registry.url", registry, "specific.avro.reader", true), false);
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertEquals(4, out.size());
        for (TestRecord<byte[], byte[]> r : out) {
            assertEquals(1, d.deserialize("work-results", r.value()).getAttempts());
        }
        assertTrue(dropped.isEmpty());
    }

    @Test
    void delayRecordWithRetryStateThePipelineCannotHaveWrittenIsDroppedAndItsNeighboursAreRetried() {
        TestHandler handler = TestHandler.always(Outcome.success(new byte[0]));
        start(handler);
        long t0 = T0.toEpochMilli();
        TestInputTopic<byte[], byte[]> delay1In = driver.createInputTopic("work-requests-retry-1", new ByteArraySerializer(),
                new ByteArraySerializer());
        TestInputTopic<byte[], byte[]> delay2In = driver.createInputTopic("work-requests-retry-2", new ByteArraySerializer(),
                new ByteArraySerializer());
        delay1In.pipeInput(retryRecord("good-1", state(2, t0, 1000, t0 + 1000)));
        delay1In.pipeInput(retryRecord("skips-ahead", state(3, t0, 1000, t0 + 1000)));
        delay2In.pipeInput(retryRecord("over-limit", state(5, t0, 1000, t0 + 1000)));
        delay1In.pipeInput(retryRecord("a-year-ahead", state(2, t0, 1000, t0 + Duration.ofDays(365).toMillis())));
        Headers malformed = state(2, t0, 1000, t0 + 1000);
        PipelineHeaders.put(malformed, PipelineHeaders.DUE_AT, "soon");
        delay1In.pipeInput(retryRecord("malformed", malformed));
        Headers missing = state(2, t0, 1000, t0 + 1000);
        missing.remove(PipelineHeaders.FIRST_ATTEMPT_AT);
        delay1In.pipeInput(retryRecord("missing", missing));
        delay1In.pipeInput(retryRecord("good-2", state(2, t0, 1000, t0 + 1000)));
        advance(Duration.ofSeconds(2));

        assertEquals(List.of("good-1", "good-2"), handler.calls);
        Map<String, String> reasons = new java.util.TreeMap<>();
        for (TestRecord<byte[], byte[]> drop : dropped.readRecordsToList()) {
            assertEquals("INVALID_RETRY_STATE", PipelineHeaders.get(drop.headers(), PipelineHeaders.DROP_REASON));
            reasons.put(PipelineHeaders.get(drop.headers(), PipelineHeaders.REQUEST_ID), PipelineHeaders.get(drop.headers(),
                    PipelineHeaders.LAST_ERROR));
        }
        assertEquals("attempt 3 on the delay topic of attempt 2", reasons.get("skips-ahead"));
        assertEquals("attempt 5 on the delay topic of attempt 3", reasons.get("over-limit"));
        assertTrue(reasons.get("a-year-ahead").startsWith("due time 2027-01-01T00:00:00Z is further ahead"), reasons.get("a-year-ahead"));
        assertEquals("header pipeline.due.at is not a number: 'soon'", reasons.get("malformed"));
        assertEquals("header pipeline.first.attempt.at is missing", reasons.get("missing"));
        assertEquals(5, reasons.size());
        assertEquals(2, results.readRecordsToList().size());
    }

    @Test
    void retryAfterFarInTheFutureWaitsNoLongerThanItsCap() {
        TestHandler handler = TestHandler.always(new Outcome.RetryableFailure<>("HTTP 429", Duration.ofSeconds(99_999_999)));
        start(handler, "pipeline.retry.retry-after-cap", "30s");
        send("throttled", null);
        assertEquals(T0.plusSeconds(30), dueOf(delay1.readRecord()));
        advance(Duration.ofSeconds(31));
        assertEquals(2, handler.calls.size(), "the retry ran once its capped wait was over");
    }

    private Headers state(int attempt, long firstAttemptAt, long delay, long dueAt) {
        Headers headers = new RecordHeaders();
        new RetryState(attempt, firstAttemptAt, delay, dueAt).writeTo(headers);
        return headers;
    }

    private TestRecord<byte[], byte[]> retryRecord(String id, Headers headers) {
        PipelineHeaders.put(headers, PipelineHeaders.REQUEST_ID, id);
        WorkRequest request = WorkRequest.newBuilder().setRequestId(id).setKey("k")
                .setPayload(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8))).setCreatedAt(T0).build();
        return new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), requestSerializer.serialize("work-requests", request), headers);
    }

    private static Headers headers(String... namesAndValues) {
        Headers headers = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            PipelineHeaders.put(headers, namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
