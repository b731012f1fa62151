package io.backpressure.pipeline.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        route("/moved", 302, Map.of("Location", "http://user:secret@other.example:8080/new?token=abc"));
        server.createContext("/large", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] reply = new byte[64 * 1024];
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
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
        Outcome<byte[]> outcome = call("/ok");
        assertArrayEquals("echo:hello".getBytes(StandardCharsets.UTF_8), (byte[]) assertInstanceOf(Outcome.Success.class, outcome).value());
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
    void redirectIsNotFollowedAndIsNonRetryableNamingTheLocationWithoutSecrets() throws Exception {
        Outcome.NonRetryableFailure failure = assertInstanceOf(Outcome.NonRetryableFailure.class, call("/moved"));
        assertEquals("HTTP 302 from http://127.0.0.1:" + server.getAddress().getPort()
                + "/moved redirects to http://other.example:8080/new; redirects are not followed", failure.error());
    }

    @Test
    void responseBodyOverTheCapFailsNonRetryably() throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/large";
        assertInstanceOf(Outcome.Success.class, call(new HttpHandler(url, Duration.ofSeconds(5), 64 * 1024)));
        Outcome.NonRetryableFailure failure = assertInstanceOf(Outcome.NonRetryableFailure.class,
                call(new HttpHandler(url, Duration.ofSeconds(5), 64 * 1024 - 1)));
        assertEquals("response body from " + url + " exceeds 65535 bytes", failure.error());
    }

    @Test
    void errorsNameTheUrlWithoutUserInfoOrQuery() throws Exception {
        String url = "http://svc:s3cr3t@127.0.0.1:" + server.getAddress().getPort() + "/unavailable?api_key=k3y";
        Outcome.RetryableFailure failure = assertInstanceOf(Outcome.RetryableFailure.class, call(new HttpHandler(url, Duration.ofSeconds(5))));
        assertEquals("HTTP 503 from http://127.0.0.1:" + server.getAddress().getPort() + "/unavailable", failure.error());
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Duration.ofSeconds(7), HttpHandler.parseRetryAfter("7"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("-3"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("soon"));
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertEquals(Duration.ofSeconds(99_999_999), HttpHandler.parseRetryAfter("99999999"), "capped by the retry policy, not here");
        assertEquals(Duration.ZERO, HttpHandler.parseRetryAfter("99999999999999999999"), "beyond a long: no floor rather than a failure");
        Duration farDate = HttpHandler.parseRetryAfter("Wed, 01 Jan 2200 00:00:00 GMT");
        assertTrue(farDate.toDays() > 50_000, "a date far ahead parses (the retry policy caps it): " + farDate);
    }
}
