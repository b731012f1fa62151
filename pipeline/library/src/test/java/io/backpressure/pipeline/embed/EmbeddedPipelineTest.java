package io.backpressure.pipeline.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigurationException;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.PipelineRecord;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generic core through the embedding API, under TopologyTestDriver: Integer values in, String results out, next to
 * the application's own nodes. What the handler sees, where ids and deadlines come from, and what is dropped why.
 */
class EmbeddedPipelineTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<PipelineRecord<String, Integer>> seen = new CopyOnWriteArrayList<>();
    private EmbeddedPipeline pipeline;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Integer> input;
    private TestOutputTopic<String, String> results;
    private TestOutputTopic<String, byte[]> dropped;

    /** The application's own node copies "numbers-raw" to the pipeline's input; a negative number fails once, retryably. */
    private void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("numbers-raw", Consumed.with(Serdes.String(), Serdes.Integer()))
                .to("numbers", Produced.with(Serdes.String(), Serdes.Integer()));
        Topology topology = builder.build();
        pipeline = BackpressurePipeline.builder(Serdes.String(), Serdes.Integer(), Serdes.String())
                .topics("numbers", "squares", "numbers-dropped")
                .setting("pipeline.retry.backoff", "exponential").setting("pipeline.retry.base", "1s")
                .handler(record -> {
                    seen.add(record);
                    if (record.value() < 0 && record.attempt() == 1) {
                        return CompletableFuture.completedFuture(Outcome.retryable("negative, try again"));
                    }
                    return CompletableFuture.completedFuture(Outcome.success(Integer.toString(record.value() * record.value())));
                })
                .clock(clock)
                .seed(7)
                .addTo(topology);
        driver = new TopologyTestDriver(topology, pipeline.streamsProperties(new Properties()), T0);
        input = driver.createInputTopic("numbers-raw", Serdes.String().serializer(), Serdes.Integer().serializer(), T0, Duration.ZERO);
        results = driver.createOutputTopic("squares", Serdes.String().deserializer(), Serdes.String().deserializer());
        dropped = driver.createOutputTopic("numbers-dropped", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @Test
    void theEmbeddingApplicationsRegistryGetsTheWindowAndBudgetGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CompletableFuture<Outcome<String>> call = new CompletableFuture<>();
        Topology topology = new Topology();
        pipeline = BackpressurePipeline.builder(Serdes.String(), Serdes.Integer(), Serdes.String())
                .topics("numbers", "squares", "numbers-dropped").setting("pipeline.window.capacity", "7")
                .handler(record -> call).meterRegistry(registry).clock(clock).addTo(topology);
        driver = new TopologyTestDriver(topology, pipeline.streamsProperties(new Properties()), T0);
        driver.createInputTopic("numbers", Serdes.String().serializer(), Serdes.Integer().serializer()).pipeInput("k", 3);
        assertEquals(7.0, registry.get("pipeline.window.capacity").gauge().value());
        assertEquals(1.0, registry.get("pipeline.window.in.flight").gauge().value(), "the call still running");
        assertTrue(registry.get("pipeline.retry.budget.tokens").gauge().value() > 0);
        call.complete(Outcome.success("9"));
        Await.until("the finished call leaves the window", Duration.ofSeconds(5),
                () -> registry.get("pipeline.window.in.flight").gauge().value() == 0.0);
    }

    @Test
    void twoPipelinesReportingToOneRegistryKeepTheirOwnMetersAndStats() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CompletableFuture<Outcome<String>> held = new CompletableFuture<>();
        Topology busyTopology = new Topology();
        EmbeddedPipeline busy = BackpressurePipeline.builder(Serdes.String(), Serdes.Integer(), Serdes.String())
                .topics("letters", "upper", "letters-dropped").setting("pipeline.window.capacity", "3")
                .handler(record -> held).meterRegistry(registry).clock(clock).addTo(busyTopology);
        Topology quickTopology = new Topology();
        pipeline = BackpressurePipeline.builder(Serdes.String(), Serdes.Integer(), Serdes.String())
                .topics("numbers", "squares", "numbers-dropped").setting("pipeline.window.capacity", "7")
                .handler(record -> CompletableFuture.completedFuture(Outcome.success("ok"))).meterRegistry(registry).clock(clock)
                .addTo(quickTopology);
        Properties busyApp = new Properties();
        busyApp.put("application.id", "busy-app");
        try (TopologyTestDriver busyDriver = new TopologyTestDriver(busyTopology, busy.streamsProperties(busyApp), T0)) {
            driver = new TopologyTestDriver(quickTopology, pipeline.streamsProperties(new Properties()), T0);
            busyDriver.createInputTopic("letters", Serdes.String().serializer(), Serdes.Integer().serializer()).pipeInput("a", 1);
            TestInputTopic<String, Integer> numbers = driver.createInputTopic("numbers", Serdes.String().serializer(),
                    Serdes.Integer().serializer());
            numbers.pipeInput("x", 1);
            numbers.pipeInput("y", 2);

            assertEquals(2, pipeline.stats().results(), "only its own results");
            assertEquals(0, busy.stats().results());
            assertEquals(1.0, registry.get("pipeline.window.in.flight").tag("pipeline", "letters").gauge().value());
            assertEquals(0.0, registry.get("pipeline.window.in.flight").tag("pipeline", "numbers").gauge().value());
            assertEquals(3.0, registry.get("pipeline.window.capacity").tag("pipeline", "letters").gauge().value());
            assertEquals(7.0, registry.get("pipeline.window.capacity").tag("pipeline", "numbers").gauge().value());
            assertEquals(2.0, registry.get("pipeline.results").tag("pipeline", "numbers").counter().count());
        } finally {
            busy.close();
        }
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
            pipeline.close();
        }
    }

    @Test
    void aResultKeepsTheKeyAndTheHandlerSeesTheUsersTypesAndWhereTheRequestCameFrom() {
        start();
        RecordHeaders headers = new RecordHeaders();
        headers.add("request-id", "req-7".getBytes(StandardCharsets.UTF_8));
        headers.add("pipeline.attempt", "3".getBytes(StandardCharsets.UTF_8));
        input.pipeInput(new TestRecord<>("k", 7, headers, T0));
        input.pipeInput("no-id", 3);

        assertEquals(List.of(new KeyValue<>("k", "49"), new KeyValue<>("no-id", "9")),
                results.readKeyValuesToList());
        PipelineRecord<String, Integer> first = seen.get(0);
        assertEquals("req-7", first.requestId());
        assertEquals(1, first.attempt(), "a forged attempt header on the input is not trusted");
        assertNull(first.headers().lastHeader("pipeline.attempt"), "the pipeline's own headers are not the handler's");
        assertEquals("numbers", first.topic());
        assertEquals(0L, first.offset());
        assertEquals(T0.plus(Duration.ofMinutes(10)), first.deadline(), "the default TTL after the record's timestamp");
        assertEquals("numbers-0@1", seen.get(1).requestId(), "no id given: the input coordinates");
    }

    @Test
    void aRetryComesBackWithTheNextAttemptAndTheInputsCoordinates() {
        start();
        input.pipeInput("neg", -4);
        assertTrue(results.isEmpty());
        clock.advance(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertEquals("16", results.readValue());
        PipelineRecord<String, Integer> retry = seen.get(1);
        assertEquals(2, retry.attempt());
        assertEquals("numbers", retry.topic(), "not the delay topic it was read from");
        assertEquals(0L, retry.offset());
        assertNull(retry.headers().lastHeader("pipeline.attempt"));
    }

    @Test
    void undecodableValuesAndPassedOrUnreadableDeadlinesAreDroppedWithTheirReason() {
        start();
        TestInputTopic<String, byte[]> rawBytes = driver.createInputTopic("numbers", Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), T0, Duration.ZERO);
        rawBytes.pipeInput("short", new byte[] {1, 2, 3});
        RecordHeaders late = new RecordHeaders();
        late.add("deadline", Long.toString(T0.minusSeconds(1).toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        input.pipeInput(new TestRecord<>("late", 2, late, T0));
        RecordHeaders garbled = new RecordHeaders();
        garbled.add("deadline", "next tuesday".getBytes(StandardCharsets.UTF_8));
        input.pipeInput(new TestRecord<>("garbled", 2, garbled, T0));

        List<TestRecord<String, byte[]>> drops = dropped.readRecordsToList();
        assertEquals(List.of("short", "late", "garbled"), drops.stream().map(TestRecord::key).toList());
        assertEquals("UNDECODABLE", header(drops.get(0), "pipeline.drop.reason"));
        assertTrue(header(drops.get(0), "pipeline.last.error").startsWith("SerializationException: Size of data received by"),
                header(drops.get(0), "pipeline.last.error"));
        assertEquals("DEADLINE_EXCEEDED", header(drops.get(1), "pipeline.drop.reason"));
        assertEquals("UNDECODABLE", header(drops.get(2), "pipeline.drop.reason"));
        assertEquals("IllegalArgumentException: header deadline is not epoch millis or an ISO-8601 instant: 'next tuesday'",
                header(drops.get(2), "pipeline.last.error"));
        assertTrue(seen.isEmpty(), "none of them reached the handler");
        assertTrue(results.isEmpty());
    }

    @Test
    void aWrongSettingIsNamedAndAnotherProcessingGuaranteeIsRefused() {
        ConfigurationException wrong = assertThrows(ConfigurationException.class, () -> BackpressurePipeline
                .builder(Serdes.String(), Serdes.Integer(), Serdes.String()).setting("pipeline.window.capacity", "lots")
                .handler(record -> CompletableFuture.completedFuture(Outcome.success("x"))).addTo(new Topology()));
        assertTrue(wrong.getMessage().contains("pipeline.window.capacity") && wrong.getMessage().contains("lots"), wrong.getMessage());

        start();
        Properties exactlyOnce = new Properties();
        exactlyOnce.put("processing.guarantee", "exactly_once_v2");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> pipeline.streamsProperties(exactlyOnce));
        assertEquals("processing.guarantee exactly_once_v2 differs from pipeline.processing-guarantee at_least_once:"
                + " set pipeline.processing-guarantee instead", refused.getMessage());
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
