package io.backpressure.pipeline.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.sun.net.httpserver.HttpServer;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.schemas.WorkRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on loopback, one path per status the handler must classify. */
class HttpHandlerTest {
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        route("/ok", 200, Map.of());
        route("/unavailable", 503, Map.of("Retry-After", "3"));
        route("/throttled", 429, Map.of());
        route("/missing", 404, Map.of());
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void route(String path, int status, Map<String, String> headers) {
        server.createContext(path, exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] reply = ("echo:" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
    }

    private Outcome call(String path) throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        return call(new HttpHandler(url, Duration.ofSeconds(5)));
    }

    private static Outcome call(HttpHandler handler) throws Exception {
        WorkRequest request = WorkRequest.newBuilder().setRequestId("r-1").setKey("k")
                .setPayload(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8))).setCreatedAt(Instant.EPOCH).build();
        return handler.handle(request, 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void success2xxCarriesTheResponseBody() throws Exception {
        Outcome outcome = call("/ok");
        assertArrayEquals("echo:hello".getBytes(StandardCharsets.UTF_8), assertInstanceOf(Outcome.Success.class, outcome).output());
    }

    @Test
    void serverErrorIsRetryableAndKeepsRetryAfterAsFloor() throws Exception {
        Outcome.RetryableFailure failure = assertInstanceOf(Outcome.RetryableFailure.class, call("/unavailable"));
        assertEquals(Duration.ofSeconds(3), failure.retryAfter());
    }

    @Test
    void throttlingIsRetryable() throws Exception {
        assertInstanceOf(Outcome.RetryableFailure.class, call("/throttled"));
    }

    @Test
    void otherClientErrorsAreNotRetryable() throws Exception {
        assertInstanceOf(Outcome.NonRetryableFailure.class, call("/missing"));
    }

    @Test
    void connectionRefusedIsRetryable() throws Exception {
        int closedPort = Ports.ephemeral();
        assertInstanceOf(Outcome.RetryableFailure.class, call(new HttpHandler("http://127.0.0.1:" + closedPort + "/", Duration.ofSeconds(2))));
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Duration.ofSeconds(7), HttpHandler.parseRetryAfter("7"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("-3"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("soon"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
    }
}
