package io.backpressure.examples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.backpressure.examples.TestClock;
import io.backpressure.examples.orders.FraudCheckApp.Order;
import io.backpressure.examples.orders.FraudCheckApp.Verdict;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example application under TopologyTestDriver, calling a real HTTP service on loopback: an order passes, one is
 * retried through the delay topic after a 503 and then passes, one the service refuses (400) is dropped with its
 * reason and original bytes, and one the application's own filter removes never reaches the service.
 */
class FraudCheckAppTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ConcurrentMap<String, AtomicInteger> callsByOrder = new ConcurrentHashMap<>();
    private HttpServer fraudService;
    private FraudCheckApp app;
    private TopologyTestDriver driver;
    private final TestClock clock = new TestClock(T0);

    @BeforeEach
    void start() throws IOException {
        fraudService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fraudService.createContext("/check", exchange -> {
            Order order = Json.read(exchange.getRequestBody().readAllBytes(), Order.class);
            int call = callsByOrder.computeIfAbsent(order.orderId(), id -> new AtomicInteger()).incrementAndGet();
            int status = order.orderId().startsWith("bad") ? 400 : order.orderId().startsWith("flaky") && call == 1 ? 503 : 200;
            byte[] body = status == 200 ? Json.write(new Verdict(order.orderId(), order.amountCents() < 100_000))
                    : ("HTTP " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fraudService.start();
        URI url = URI.create("http://127.0.0.1:" + fraudService.getAddress().getPort() + "/check");
        // Plain exponential backoff from 100 ms keeps the test's clock steps few; the defaults are full jitter from 200 ms.
        Map<String, String> settings = Map.of("pipeline.retry.backoff", "exponential", "pipeline.retry.base", "100ms",
                "pipeline.retry.max-attempts", "3", "pipeline.window.capacity", "10");
        app = FraudCheckApp.build(url, HttpClient.newHttpClient(), settings, clock);
        driver = new TopologyTestDriver(app.topology(), app.pipeline().streamsProperties(new Properties()), T0);
    }

    @AfterEach
    void stop() {
        driver.close();
        app.pipeline().close();
        fraudService.stop(0);
    }

    @Test
    void ordersAreCheckedRetriedOrDroppedAndFilteredOrdersNeverReachTheService() {
        TestInputTopic<String, Order> raw = driver.createInputTopic("orders-raw", Serdes.String().serializer(),
                Json.serde(Order.class).serializer(), T0, Duration.ZERO);
        TestOutputTopic<String, Verdict> verdicts = driver.createOutputTopic("verdicts", Serdes.String().deserializer(),
                Json.serde(Verdict.class).deserializer());
        TestOutputTopic<String, String> dropped = driver.createOutputTopic("orders-dropped", Serdes.String().deserializer(),
                Serdes.String().deserializer());

        raw.pipeInput("alice", new Order("o-1", "alice", 4_200));
        raw.pipeInput("bob", new Order("flaky-2", "bob", 250_000));
        raw.pipeInput("carol", new Order("bad-3", "carol", 990));
        raw.pipeInput("dave", new Order("empty-4", "dave", 0));

        List<TestRecord<String, Verdict>> answers = new ArrayList<>();
        List<TestRecord<String, String>> drops = new ArrayList<>();
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (answers.size() < 2 || drops.isEmpty()) {
            assertTrue(System.nanoTime() < giveUp, "within 20 s: " + answers + " " + drops + " calls " + callsByOrder);
            // The pipeline forwards finished calls and releases due retries on wall-clock ticks.
            clock.advance(Duration.ofMillis(10));
            driver.advanceWallClockTime(Duration.ofMillis(10));
            answers.addAll(verdicts.readRecordsToList());
            drops.addAll(dropped.readRecordsToList());
        }

        Map<String, Verdict> byCustomer = new HashMap<>();
        answers.forEach(r -> byCustomer.put(r.key(), r.value()));
        assertEquals(Map.of("alice", new Verdict("o-1", true), "bob", new Verdict("flaky-2", false)), byCustomer);
        assertEquals(2, callsByOrder.get("flaky-2").get(), "called again after the 503");
        assertEquals(1, drops.size());
        TestRecord<String, String> drop = drops.get(0);
        assertEquals("carol", drop.key());
        assertEquals(new String(Json.write(new Order("bad-3", "carol", 990)), StandardCharsets.UTF_8), drop.value(), "original bytes");
        assertEquals("NON_RETRYABLE", header(drop, "pipeline.drop.reason"));
        assertEquals("HTTP 400", header(drop, "pipeline.last.error"));
        assertEquals("bad-3", header(drop, "pipeline.request.id"));
        assertFalse(callsByOrder.containsKey("empty-4"), "the application's own filter ran first");
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
