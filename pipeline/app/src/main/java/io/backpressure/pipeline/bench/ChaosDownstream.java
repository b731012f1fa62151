package io.backpressure.pipeline.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The downstream of the chaos benchmark, an HTTP service on loopback in the benchmark's JVM, so the benchmark can make
 * it hang: it answers after a random 5-35 ms, with 503 for a share of calls; while hung it answers nothing and holds
 * the exchanges (at most the app's window of them), which it closes when the hang ends.
 */
final class ChaosDownstream implements AutoCloseable {
    private final HttpServer server;
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2, ChaosDownstream::daemon);
    private final SplittableRandom random;
    private final double failureRate;
    private final List<HttpExchange> held = new ArrayList<>();
    private boolean hung;

    ChaosDownstream(double failureRate, long seed) {
        this.failureRate = failureRate;
        this.random = new SplittableRandom(seed);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, ChaosDownstream::daemon));
        server.createContext("/", this::accept);
        server.start();
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "chaos-downstream");
        t.setDaemon(true);
        return t;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/work";
    }

    private void accept(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        long delayMs;
        boolean fail;
        synchronized (this) {
            if (hung) {
                held.add(exchange);
                return;
            }
            delayMs = 5 + random.nextLong(31);
            fail = random.nextDouble() < failureRate;
        }
        answers.schedule(() -> answer(exchange, fail ? 503 : 200), delayMs, TimeUnit.MILLISECONDS);
    }

    private static void answer(HttpExchange exchange, int status) {
        try (exchange) {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException | RuntimeException clientGone) {
            // the pipeline timed the call out and cancelled it meanwhile
        }
    }

    synchronized void hang() {
        hung = true;
    }

    /** Ends a hang: the calls held during it get a 503, as a recovering service answers its backlog. */
    void recover() {
        List<HttpExchange> backlog;
        synchronized (this) {
            hung = false;
            backlog = new ArrayList<>(held);
            held.clear();
        }
        backlog.forEach(exchange -> answer(exchange, 503));
    }

    @Override
    public void close() {
        recover();
        server.stop(0);
        answers.shutdownNow();
    }
}
