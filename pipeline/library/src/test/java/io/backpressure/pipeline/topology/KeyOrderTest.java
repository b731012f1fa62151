package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.embed.BackpressurePipeline;
import io.backpressure.pipeline.embed.EmbeddedPipeline;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pipeline.ordering=key} under TopologyTestDriver: the handler's calls are futures the test completes, so it
 * decides what is in flight and when each call ends. One call per key at a time, retries included; other keys run.
 */
class KeyOrderTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    /** The calls made so far, value -> its pending outcome, in call order. */
    private final Map<String, CompletableFuture<Outcome<String>>> calls = new LinkedHashMap<>();
    /** Synchronized: a finished call starts its key's next request on the thread that finished it. */
    private final List<String> called = Collections.synchronizedList(new ArrayList<>());
    private SimpleMeterRegistry registry;
    private EmbeddedPipeline pipeline;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Integer> input;
    private TestOutputTopic<String, String> results;
    private TestOutputTopic<String, byte[]> dropped;
    private TestOutputTopic<String, Integer> delay1;

    @BeforeEach
    void start() {
        start("10000", "100000", "1000");
    }

    private void start(String maxParked, String maxPendingRetries, String windowCapacity) {
        if (driver != null) {
            driver.close();
            pipeline.close();
        }
        Topology topology = new Topology();
        registry = new SimpleMeterRegistry();
        pipeline = BackpressurePipeline.builder(Serdes.String(), Serdes.Integer(), Serdes.String())
                .topics("numbers", "squares", "numbers-dropped")
                .setting("pipeline.ordering", "key").setting("pipeline.processing-guarantee", "exactly_once_v2")
                .setting("pipeline.ordering.max-parked", maxParked).setting("pipeline.handler.timeout", "1s")
                .setting("pipeline.retry.max-attempts", "3").setting("pipeline.retry.base", "1s").setting("pipeline.retry.cap", "1s")
                .setting("pipeline.retry.max-pending-per-task", maxPendingRetries)
                .setting("pipeline.window.capacity", windowCapacity)
                .handler(record -> {
                    String name = record.key() + ":" + record.value() + "#" + record.attempt();
                    called.add(name);
                    CompletableFuture<Outcome<String>> call = new CompletableFuture<>();
                    calls.put(name, call);
                    return call;
                })
                .clock(clock)
                .seed(7)
                .meterRegistry(registry)
                .addTo(topology);
        driver = new TopologyTestDriver(topology, pipeline.streamsProperties(new Properties()), T0);
        input = driver.createInputTopic("numbers", Serdes.String().serializer(), Serdes.Integer().serializer(), T0, Duration.ZERO);
        results = driver.createOutputTopic("squares", Serdes.String().deserializer(), Serdes.String().deserializer());
        dropped = driver.createOutputTopic("numbers-dropped", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        delay1 = driver.createOutputTopic("numbers-retry-1", Serdes.String().deserializer(), Serdes.Integer().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        pipeline.close();
    }

    @Test
    void aKeysRequestsRunOneAtATimeInInputOrderAcrossARetryWhileOtherKeysRun() {
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        input.pipeInput("b", 10);
        input.pipeInput("a", 3);
        assertEquals(List.of("a:1#1", "b:10#1"), called, "a's later requests wait; b does not wait for a");

        finish("a:1#1", Outcome.retryable("busy"));
        finish("b:10#1", Outcome.success("b10"));
        assertEquals(List.of("a:1#1", "b:10#1"), called, "a's next request waits behind the retry of a:1");
        assertEquals(List.of(new KeyValue<>("b", "b10")), results.readKeyValuesToList());

        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals("a:1#2", last(), "the retry runs first");
        finish("a:1#2", Outcome.success("a1"));
        assertEquals("a:2#1", last());
        finish("a:2#1", Outcome.success("a2"));
        assertEquals("a:3#1", last());
        finish("a:3#1", Outcome.success("a3"));

        assertEquals(List.of(new KeyValue<>("a", "a1"), new KeyValue<>("a", "a2"), new KeyValue<>("a", "a3")),
                results.readKeyValuesToList());
        assertEquals(List.of("a:1#1", "b:10#1", "a:1#2", "a:2#1", "a:3#1"), called);
    }

    @Test
    void aDroppedRequestReleasesItsKey() {
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        finish("a:1#1", Outcome.nonRetryable("no such account"));
        assertEquals("a", dropped.readRecord().key());
        assertEquals("a:2#1", last(), "the drop passed the key on");

        input.pipeInput("a", 3);
        finish("a:2#1", Outcome.retryable("busy"));
        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        finish("a:2#2", Outcome.retryable("busy"));
        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        finish("a:2#3", Outcome.retryable("still busy"));
        TestRecord<String, byte[]> exhausted = dropped.readRecord();
        assertEquals("RETRIES_EXHAUSTED", new String(exhausted.headers().lastHeader("pipeline.drop.reason").value(), StandardCharsets.UTF_8));
        assertEquals("a:3#1", last(), "the last attempt's drop passed the key on too");
        finish("a:3#1", Outcome.success("a3"));
        assertEquals(List.of("a3"), results.readValuesToList());
    }

    @Test
    void keysWithoutARequestInFlightAreNeverHeldByABusyOne() {
        input.pipeInput("slow", 1);
        for (int i = 0; i < 50; i++) {
            input.pipeInput("k" + i, i);
        }
        input.pipeInput("slow", 2);
        assertEquals(51, called.size(), "every other key is in flight beside the slow one");
        for (int i = 0; i < 50; i++) {
            finish("k" + i + ":" + i + "#1", Outcome.success("ok"));
        }
        assertEquals(50, results.readValuesToList().size());
        assertTrue(called.stream().noneMatch(c -> c.startsWith("slow:2")), "slow:2 still waits for slow:1");
        finish("slow:1#1", Outcome.success("s1"));
        assertEquals("slow:2#1", last());
    }

    @Test
    void aRequestWhoseDeadlinePassedWhileParkedIsDroppedAtItsTurnAndFreesTheKey() {
        input.pipeInput("a", 1);
        RecordHeaders soon = new RecordHeaders();
        soon.add("deadline", Long.toString(T0.plusSeconds(1).toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        input.pipeInput(new TestRecord<>("a", 2, soon, T0));
        input.pipeInput("a", 3);
        clock.advance(Duration.ofSeconds(2));
        finish("a:1#1", Outcome.success("a1"));

        TestRecord<String, byte[]> late = dropped.readRecord();
        assertEquals("DEADLINE_EXCEEDED", new String(late.headers().lastHeader("pipeline.drop.reason").value(), StandardCharsets.UTF_8));
        assertEquals(List.of("a:1#1", "a:3#1"), called, "a:2 never reached the handler; a:3 came next");
    }

    @Test
    void withTheParkedStoreFullAdmissionWaitsForAKeyToFree() throws Exception {
        start("2", "100000", "1000");
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        input.pipeInput("a", 3);
        assertEquals(List.of("a:1#1"), called);
        // The stream thread waits inside the next record's processing; the head finishes meanwhile on another thread.
        Thread finisher = new Thread(() -> calls.get("a:1#1").complete(Outcome.success("a1")));
        long started = System.nanoTime();
        CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS).execute(finisher);
        input.pipeInput("b", 9);
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertTrue(waitedMs >= 150, "b waited for room in the parked store, " + waitedMs + " ms");
        // a:1's completion starts a:2 on the finishing thread, which may call the handler after b is admitted here.
        Await.until("a:2 called by the thread that finished a:1", Duration.ofSeconds(5), () -> called.contains("a:2#1"));
        assertEquals(Set.of("a:1#1", "a:2#1", "b:9#1"), Set.copyOf(called), "a:1 finished, a:2 took its key, then b was admitted");
        assertEquals(List.of(new KeyValue<>("a", "a1")), results.readKeyValuesToList());
    }

    @Test
    void aFinishedCallStartsItsKeysNextRequestItselfAndTheResultsStillComeInOrder() {
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        input.pipeInput("a", 3);
        assertEquals(2, registry.get("pipeline.key.parked").gauge().value(), "a:2 and a:3 parked");
        calls.get("a:1#1").complete(Outcome.success("a1"));
        assertEquals(List.of("a:1#1", "a:2#1"), called, "a:2 started when a:1 finished, before the stream thread looked");
        assertEquals(List.of(), results.readValuesToList(), "the stream thread forwards a:1's result at its next tick");
        calls.get("a:2#1").complete(Outcome.success("a2"));
        assertEquals("a:3#1", last(), "the chain goes on while the stream thread has not run");

        driver.advanceWallClockTime(Duration.ofMillis(20));
        assertEquals(List.of("a1", "a2"), results.readValuesToList());
        assertEquals(0, registry.get("pipeline.key.parked").gauge().value());
        assertEquals(2, registry.get("pipeline.key.handoffs").counter().count(), "a:2 and a:3 were started by their predecessors");
        calls.get("a:3#1").complete(Outcome.retryable("busy"));
        input.pipeInput("a", 4);
        driver.advanceWallClockTime(Duration.ofMillis(20));
        assertEquals("a:3#1", last(), "a failure starts nothing: a:4 waits behind a:3's retry");
        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        finish("a:3#2", Outcome.success("a3"));
        assertEquals("a:4#1", last());
        finish("a:4#1", Outcome.success("a4"));
        assertEquals(List.of("a3", "a4"), results.readValuesToList());
    }

    /**
     * At most {@link KeyChains#AHEAD} requests per key are prepared ahead of the stream thread: finished calls start the
     * next ones that far and no further until the stream thread catches up, which prepares more from the parked store.
     */
    @Test
    void finishedCallsRunAheadOfTheStreamThreadByEightRequestsAtMost() {
        for (int i = 1; i <= 12; i++) {
            input.pipeInput("a", i);
        }
        calls.get("a:1#1").complete(Outcome.success("a1"));
        driver.advanceWallClockTime(Duration.ofMillis(20));
        for (int i = 2; i <= 10; i++) {
            calls.get("a:" + i + "#1").complete(Outcome.success("a" + i));
        }
        assertEquals("a:10#1", last(), "a:2 to a:10 started one after the other without the stream thread");
        assertEquals(10, called.size(), "a:11 waits for the stream thread: eight ahead of a:2, which it admitted last");

        driver.advanceWallClockTime(Duration.ofMillis(20));
        assertEquals("a:11#1", last());
        calls.get("a:11#1").complete(Outcome.success("a11"));
        assertEquals("a:12#1", last(), "the stream thread prepared a:12 from the store behind a:11");
        finish("a:12#1", Outcome.success("a12"));
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 12).mapToObj(i -> "a" + i).toList(), results.readValuesToList());
    }

    @Test
    void aHeadsRetryWaitsInTheTimerStoreAndTakesTheDelayTopicOnlyWhenTheStoreIsFull() {
        start("10000", "1", "1000");
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        input.pipeInput("b", 1);
        input.pipeInput("b", 2);
        finish("a:1#1", Outcome.retryable("busy"));
        assertTrue(delay1.isEmpty(), "a:1's retry is held in the timer store, not sent through the delay topic");
        // Full jitter can draw a delay under a millisecond, due at once: the fixed seed draws a longer one, so the store stays full.
        assertEquals(List.of("a:1#1", "b:1#1"), called, "a:1's retry still waits in the timer store");
        // The driver pipes b's delay record straight back, into the full store: it waits for room (bounded), then is held.
        finish("b:1#1", Outcome.retryable("busy"));
        assertEquals("b", delay1.readRecord().key(), "with the timer store full (max-pending-per-task 1), b:1's retry took the delay topic");

        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals(Set.of("a:1#1", "b:1#1", "a:1#2", "b:1#2"), Set.copyOf(called), "both retries came due, a:2 and b:2 still wait");
        finish("a:1#2", Outcome.success("a1"));
        finish("b:1#2", Outcome.success("b1"));
        finish("a:2#1", Outcome.success("a2"));
        finish("b:2#1", Outcome.success("b2"));
        List<KeyValue<String, String>> out = results.readKeyValuesToList();
        assertEquals(List.of("a1", "a2"), out.stream().filter(r -> r.key.equals("a")).map(r -> r.value).toList());
        assertEquals(List.of("b1", "b2"), out.stream().filter(r -> r.key.equals("b")).map(r -> r.value).toList());
    }

    /**
     * A forged delay-topic record naming a's head is dropped as INVALID_RETRY_STATE and passes a's key on while a:1 still
     * runs, with a:2 already prepared to follow it. When a:1 then starts a:2 itself, the stream thread finds a:2 admitted
     * already: it lets the started call run instead of failing, and the pipeline goes on.
     */
    @Test
    void aForgedDelayRecordThatReleasesAKeyBehindARunningCallDoesNotStopThePipeline() {
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        RecordHeaders forged = new RecordHeaders();
        forged.add("pipeline.original.offset", "0".getBytes(StandardCharsets.UTF_8));
        driver.createInputTopic("numbers-retry-1", Serdes.String().serializer(), Serdes.Integer().serializer())
                .pipeInput(new TestRecord<>("a", 1, forged, T0));
        assertEquals("INVALID_RETRY_STATE", new String(dropped.readRecord().headers().lastHeader("pipeline.drop.reason").value(),
                StandardCharsets.UTF_8));

        calls.get("a:1#1").complete(Outcome.success("a1"));
        driver.advanceWallClockTime(Duration.ofMillis(20));
        input.pipeInput("b", 1);
        assertEquals("b:1#1", last(), "the pipeline still takes records");
        finish("b:1#1", Outcome.success("b1"));
        assertTrue(results.readValuesToList().containsAll(List.of("a1", "b1")));
    }

    @Test
    void withTheWindowFullAFinishedCallGivesItsSlotToTheCallWaitingFirstNotToItsKey() {
        start("10000", "100000", "1");
        input.pipeInput("a", 1);
        input.pipeInput("a", 2);
        input.pipeInput("b", 1);
        assertEquals(List.of("a:1#1"), called, "b:1 waits for the only slot");

        calls.get("a:1#1").complete(Outcome.success("a1"));
        Await.until("b:1 got the slot", Duration.ofSeconds(5), () -> called.contains("b:1#1"));
        assertEquals(List.of("a:1#1", "b:1#1"), called, "a:2 did not take a:1's slot ahead of b:1");
        finish("b:1#1", Outcome.success("b1"));
        Await.until("a:2 got the slot", Duration.ofSeconds(5), () -> called.contains("a:2#1"));
    }

    /** Completes a call, then lets the pipeline's forwarding tick run, as wall-clock time passing does. */
    private void finish(String call, Outcome<String> outcome) {
        CompletableFuture<Outcome<String>> pending = calls.get(call);
        assertTrue(pending != null, call + " was never called; called: " + called);
        pending.complete(outcome);
        driver.advanceWallClockTime(Duration.ofMillis(20));
    }

    private String last() {
        return called.get(called.size() - 1);
    }
}
