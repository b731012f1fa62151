package io.backpressure.examples.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.payments.Payment;
import com.example.payments.Receipt;
import io.backpressure.examples.TestClock;
import io.backpressure.pipeline.embed.EmbeddedPipeline;
import io.backpressure.pipeline.serde.AvroSerdes;
import io.backpressure.pipeline.serde.MockSchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serde;
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
 * The payments example under TopologyTestDriver with an in-process registry ({@code mock://}): payments and receipts
 * travel in Confluent's wire format under the team's own schemas, a ledger failure is retried with the attempt in the
 * receipt, and bytes that are not a Payment are dropped with the reason.
 */
class PaymentBookingTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final String scope = "payments-" + UUID.randomUUID();
    private final Map<String, Object> registry = Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, MockSchemaRegistry.URL_PREFIX + scope);
    private final Map<String, Integer> bookings = new ConcurrentHashMap<>();
    private final TestClock clock = new TestClock(T0);
    private EmbeddedPipeline pipeline;
    private TopologyTestDriver driver;

    /** Books every payment, except that the first booking of a payment on account "flaky" fails. */
    @BeforeEach
    void start() {
        Topology topology = new Topology();
        PaymentBooking.Ledger ledger = payment -> {
            int attempt = bookings.merge(payment.getPaymentId(), 1, Integer::sum);
            return payment.getAccount().equals("flaky") && attempt == 1
                    ? CompletableFuture.failedFuture(new IOException("ledger unavailable"))
                    : CompletableFuture.completedFuture("entry-" + payment.getPaymentId());
        };
        pipeline = PaymentBooking.addTo(topology, ledger, registry, Map.of("pipeline.retry.backoff", "exponential",
                "pipeline.retry.base", "1s"), clock);
        driver = new TopologyTestDriver(topology, pipeline.streamsProperties(new Properties()), T0);
    }

    @AfterEach
    void stop() {
        driver.close();
        pipeline.close();
    }

    @Test
    void paymentsAreBookedRetriedOrDroppedUnderTheTeamsOwnSchemas() {
        Serde<Payment> payments = AvroSerdes.specific(Payment.class, registry, false);
        TestInputTopic<String, Payment> input = driver.createInputTopic("payments", Serdes.String().serializer(), payments.serializer(),
                T0, Duration.ZERO);
        TestOutputTopic<String, Receipt> receipts = driver.createOutputTopic("receipts", Serdes.String().deserializer(),
                AvroSerdes.specific(Receipt.class, registry, false).deserializer());
        TestOutputTopic<String, byte[]> dropped = driver.createOutputTopic("payments-dropped", Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());

        input.pipeInput("alice", new Payment("p-1", "alice", 1_250L, "EUR"));
        input.pipeInput("flaky", new Payment("p-2", "flaky", 99L, "EUR"));
        driver.createInputTopic("payments", Serdes.String().serializer(), Serdes.ByteArray().serializer(), T0, Duration.ZERO)
                .pipeInput("mallory", "{\"paymentId\": \"p-3\"}".getBytes(StandardCharsets.UTF_8));
        for (int step = 0; step < 30; step++) {
            // The retry is due 2 s later (exponential from 1 s); due retries are released on wall-clock ticks.
            clock.advance(Duration.ofMillis(100));
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }

        assertEquals(List.of(new KeyValue<>("alice", new Receipt("p-1", "entry-p-1", 1)),
                        new KeyValue<>("flaky", new Receipt("p-2", "entry-p-2", 2))), receipts.readKeyValuesToList(), "the flaky account's payment was booked on its second attempt");
        List<TestRecord<String, byte[]>> drops = dropped.readRecordsToList();
        assertEquals(1, drops.size());
        assertEquals("mallory", drops.get(0).key());
        assertEquals("UNDECODABLE", header(drops.get(0), "pipeline.drop.reason"));
        assertTrue(header(drops.get(0), "pipeline.last.error").contains("magic byte"), header(drops.get(0), "pipeline.last.error"));
    }

    @Test
    void receiptsAreInConfluentsWireFormatUnderTheResultsSubject() {
        driver.createInputTopic("payments", Serdes.String().serializer(), AvroSerdes.specific(Payment.class, registry, false).serializer(),
                T0, Duration.ZERO).pipeInput("alice", new Payment("p-9", "alice", 5L, "EUR"));
        byte[] receipt = driver.createOutputTopic("receipts", Serdes.String().deserializer(), Serdes.ByteArray().deserializer())
                .readValue();
        ByteBuffer wire = ByteBuffer.wrap(receipt);
        assertEquals(0, wire.get(), "magic byte");
        int schemaId = wire.getInt();
        assertEquals(MockSchemaRegistry.forScope(scope).lookup("receipts-value", Receipt.getClassSchema()), schemaId,
                "the id of the team's Receipt schema under the results topic's subject");
        Receipt read = AvroSerdes.specific(Receipt.class, registry, false).deserializer().deserialize("receipts", receipt);
        assertEquals(new Receipt("p-9", "entry-p-9", 1), read);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
