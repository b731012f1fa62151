package io.backpressure.pipeline.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /health/live}, {@code /health/ready} (ready only when Kafka
 * Streams is RUNNING), {@code /api/status} (JSON), {@code /api/history} (the charts' last 15 minutes, sampled here
 * every second) and {@code /} (the live status page, built into the jar).
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final Set<String> NOT_ALIVE = Set.of("ERROR", "PENDING_ERROR", "NOT_RUNNING", "PENDING_SHUTDOWN");

    private final HttpServer server;
    private final StatusSource source;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] page;
    private final StatusHistory history = new StatusHistory();
    private final ScheduledExecutorService sampler;

    private StatusServer(HttpServer server, StatusSource source) {
        this.server = server;
        this.source = source;
        this.page = resource("/web/status.html");
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-status-history");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, StatusHistory.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            history.record(source.status());
        } catch (RuntimeException e) {
            // A failed sample is a gap in the charts; the sampler must keep running.
            LOG.debug("status sample failed: {}", e.getMessage());
        }
    }

    public static StatusServer start(String host, int port, StatusSource source) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
            StatusServer server = new StatusServer(http, source);
            http.createContext("/metrics", ex -> server.reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    source.scrape().getBytes(StandardCharsets.UTF_8)));
            http.createContext("/health/live", ex -> server.health(ex, !NOT_ALIVE.contains(source.streamsState())));
            http.createContext("/health/ready", ex -> server.health(ex, "RUNNING".equals(source.streamsState())));
            http.createContext("/api/status", ex -> server.reply(ex, 200, "application/json", server.json.writeValueAsBytes(source.status())));
            http.createContext("/api/history", ex -> server.reply(ex, 200, "application/json",
                    server.json.writeValueAsBytes(server.history.samples())));
            http.createContext("/", ex -> {
                if (ex.getRequestURI().getPath().equals("/")) {
                    server.reply(ex, 200, "text/html; charset=utf-8", server.page);
                } else {
                    server.reply(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                }
            });
            http.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "pipeline-http");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the status server on " + host + ":" + port
                    + " (pipeline.http.host / pipeline.http.port): " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex, boolean ok) throws IOException {
        String body = "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"streams\":\"" + source.streamsState() + "\"}";
        reply(ex, ok ? 200 : 503, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private void reply(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("status page " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        server.stop(0);
    }
}
