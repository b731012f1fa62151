package io.backpressure.pipeline.bench;

import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One instance of an application in its own JVM, as on its own host: its own state directory and status port,
 * restartable with the same identity, stoppable with SIGTERM or SIGKILL, and scrapable.
 */
final class AppInstance {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final ConfigLoader config;
    private final int port = Ports.ephemeral();
    private AppJvm jvm;
    private int starts;

    /** @param staticMembership whether it is a static group member, with {@code <application id>-<name>} as its id */
    AppInstance(ConfigLoader shared, String name, boolean staticMembership) {
        this.name = name;
        PipelineConfig base = shared.load();
        this.config = new ConfigLoader();
        shared.effectiveValues().forEach(config::set);
        config.set("pipeline.state-dir", Path.of(base.kafka().stateDir(), name).toString())
                .set("pipeline.http.port", Integer.toString(port))
                .set("pipeline.instance-id", staticMembership ? base.kafka().applicationId() + "-" + name : "");
    }

    String name() {
        return name;
    }

    void start() {
        jvm = AppJvm.start(config, Path.of(config.load().kafka().stateDir(), "app-" + (++starts) + ".log"));
    }

    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the JVM is still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("instance " + name + " not ready within 90 s: " + jvm.log());
    }

    /** Its Prometheus exposition now. */
    String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    void stopGracefully() throws InterruptedException {
        jvm.close();
    }

    void kill() throws InterruptedException {
        if (jvm != null) {
            jvm.kill();
        }
    }
}
