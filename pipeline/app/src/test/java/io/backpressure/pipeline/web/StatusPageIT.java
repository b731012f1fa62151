package io.backpressure.pipeline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import io.backpressure.pipeline.testing.Await;
import io.backpressure.pipeline.testing.Http;
import io.backpressure.pipeline.testing.ItConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real headless browser (Debian's chromium, installed by .ci/run): it loads with no console
 * errors, draws its charts, and the numbers it shows match the metrics endpoint. A screenshot is kept in target/.
 */
class StatusPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void pageLoadsWithoutConsoleErrorsDrawsChartsAndShowsTheMetricsNumbers() throws Exception {
        requireChromium();
        int port = Ports.ephemeral();
        PipelineConfig config = ItConfig.forTest("page").set("pipeline.http.port", Integer.toString(port))
                .set("pipeline.handler.simulated.failure-rate", "0.5").set("pipeline.retry.max-attempts", "1")
                .set("pipeline.window.limit", "vegas")
                // A downstream of 5 workers behind a 30 ms timeout: calls queued there time out, a refusal the adaptive
                // limit always answers by moving, so the page has a why to show.
                .set("pipeline.handler.simulated.latency", "20ms").set("pipeline.handler.simulated.concurrency", "5")
                .set("pipeline.handler.timeout", "30ms").load();
        String url = "http://127.0.0.1:" + port + "/";
        try (PipelineApp app = PipelineApp.start(config);
             OutcomeReader reader = new OutcomeReader(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(),
                     config.topics().results(), config.topics().dropped(), id -> id.startsWith("page-"), true)) {
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(new ProduceSpec(500, 0, 50, 10, null, "page"), n -> { });
            Await.until("all accounted", Duration.ofSeconds(60), () -> {
                var t = reader.poll(Duration.ofMillis(200));
                return t.results() + t.dropped() >= 500;
            });
            double dropsInMetrics = 0;
            String metrics = Http.get(url + "metrics").body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("pipeline_drops_total{")) {
                    dropsInMetrics += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            Path profile = Files.createTempDirectory("chromium-profile");
            Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
            Browser dom = chromium(profile, "--dump-dom", url);
            chromium(profile, "--screenshot=" + screenshot, "--window-size=1400,1000", url);

            List<String> consoleErrors = dom.stderr.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
            assertTrue(consoleErrors.isEmpty(), "console errors: " + consoleErrors);
            assertEquals(4, count(dom.stdout, "<svg id=\"chart-"), "four charts");
            assertTrue(count(dom.stdout, "class=\"series\"") >= 4, "chart lines drawn:\n" + dom.stdout);
            assertEquals("RUNNING", text(dom.stdout, "state"));
            assertEquals(String.format(java.util.Locale.ROOT, "%,d", (long) dropsInMetrics), text(dom.stdout, "dropped"),
                    "dropped count on the page equals the metrics");
            // All done: nothing in flight, out of the adaptive limit (as exported) under the capacity.
            String inFlight = text(dom.stdout, "inFlight");
            long limit = (long) Http.sample(metrics, "pipeline_window_limit");
            assertTrue(inFlight.startsWith("0 / " + limit + " (adaptive, cap 1000;"), inFlight);
            // Timeouts moved the limit off its initial 20; the page says to where and why.
            String moved = text(dom.stdout, "limitChange").replace("&gt;", ">");
            assertTrue(moved.matches("window limit (raised|lowered) \\d+ -> " + limit + ": (a call timed out or was refused \\(429/503\\) with|latency "
                    + "[0-9.]+ ms against [0-9.]+ ms with no load,) \\d+ in flight.* \\(\\d+ s ago\\)"), moved);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot written to " + screenshot);
            assertTrue(dom.stdout.contains("<td>RETRIES_EXHAUSTED</td><td>SimulatedFailure: downstream returned an error</td>"),
                    "the error behind the drops is shown:\n" + dom.stdout);
        }
    }

    /** A downstream that always fails: the page says why the app is paused and which partitions are stalled since when. */
    @Test
    void thePageExplainsAPauseAndAStalledPartition() throws Exception {
        requireChromium();
        int port = Ports.ephemeral();
        PipelineConfig config = ItConfig.forTest("page-paused").set("pipeline.http.port", Integer.toString(port))
                .set("pipeline.handler.simulated.failure-rate", "1.0").set("pipeline.health.pause-after-failures", "5")
                .set("pipeline.health.probe-interval", "500ms").set("pipeline.lag.refresh-interval", "300ms").load();
        String url = "http://127.0.0.1:" + port + "/";
        try (PipelineApp app = PipelineApp.start(config)) {
            new RequestProducer(config.kafka().bootstrapServers(), config.kafka().schemaRegistryUrl(), config.topics().input(),
                    Clock.systemUTC()).produce(new ProduceSpec(200, 0, 50, 10, null, "paused"), n -> { });
            Await.until("paused, with a partition STALLED", Duration.ofSeconds(60), () -> {
                String status = Http.get(url + "api/status").body();
                return status.contains("\"pause\":{") && status.contains("\"stalledSinceMillis\"");
            });
            Browser dom = chromium(Files.createTempDirectory("chromium-profile"), "--dump-dom", url);
            String pause = text(dom.stdout, "pause");
            assertTrue(pause.matches(
                    "paused since .+ after \\d+ failures in a row \\(last: SimulatedFailure: downstream returned an error\\);.*"), pause);
            assertTrue(Pattern.compile("<td>STALLED since [^<]+</td>").matcher(dom.stdout).find(), "a stalled partition:\n" + dom.stdout);
        }
    }

    /** Opened after a minute of traffic, the page draws that minute at once from the app's own history. */
    @Test
    void aPageOpenedLateDrawsTheLastMinutesAtOnce() throws Exception {
        requireChromium();
        int port = Ports.ephemeral();
        PipelineConfig config = ItConfig.forTest("page-history").set("pipeline.http.port", Integer.toString(port)).load();
        String url = "http://127.0.0.1:" + port + "/";
        try (PipelineApp app = PipelineApp.start(config)) {
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Long> traffic = CompletableFuture.supplyAsync(() -> new RequestProducer(config.kafka().bootstrapServers(),
                    config.kafka().schemaRegistryUrl(), config.topics().input(), Clock.systemUTC())
                    .produce(new ProduceSpec(4_000, 40, 50, 10, null, "history"), n -> { }, stop::get));
            Await.until("40 samples of history", Duration.ofSeconds(120),
                    () -> count(Http.get(url + "api/history").body(), "\"timeMillis\"") >= 40);
            Browser dom = chromium(Files.createTempDirectory("chromium-profile"), "--dump-dom", url);
            // The drawn lines, not the script's template of one (data-name="${s.name}").
            Matcher lines = Pattern.compile("<polyline class=\"series\" data-name=\"([^\"$]+)\"[^>]* points=\"([^\"]*)\"").matcher(dom.stdout);
            int series = 0;
            while (lines.find()) {
                series++;
                int points = lines.group(2).isBlank() ? 0 : lines.group(2).trim().split(" ").length;
                assertTrue(points >= 30, lines.group(1) + " drew " + points + " points on first load");
            }
            assertTrue(series >= 6, "series drawn:\n" + dom.stdout);
            stop.set(true);
            traffic.join();
        }
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            String message = "needs Debian's chromium at " + CHROMIUM + ": install it with apt-get install chromium";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI must install it (see .ci/run): " + message);
            }
            System.out.println("StatusPageIT skipped: " + message);
            Assumptions.abort(message);
        }
    }

    private record Browser(String stdout, String stderr) {
    }

    private static Browser chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=6000"));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("chromium", ".log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        var out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return new Browser(new String(out, StandardCharsets.UTF_8), Files.readString(stderr));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
        assertTrue(m.find(), "element #" + id + " in the page");
        return m.group(1).strip();
    }
}
