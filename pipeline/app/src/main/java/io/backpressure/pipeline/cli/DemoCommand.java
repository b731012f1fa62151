package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.audit.OutcomeReader;
import io.backpressure.pipeline.audit.Tally;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.broker.BrokerSecurity;
import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.lag.LagReader;
import io.backpressure.pipeline.lag.PartitionLag;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Everything in one command: start the local stack (or reuse a running one), run the pipeline, "
        + "produce requests, show progress, and account for every request id.")
final class DemoCommand implements Callable<Integer> {
    /** How long the demo waits, once every request is accounted for, to see the lag read 0. */
    private static final Duration LAG_SETTLING_BOUND = Duration.ofSeconds(10);
    private static final Duration LAG_POLL = Duration.ofMillis(20);
    /** The produced column is refreshed this often, so it never reads far below the lag column it sits beside. */
    private static final Duration PRODUCED_REFRESH = Duration.ofMillis(100);

    @Mixin
    ConfigOptions options;

    @Option(names = {"-n", "--count"}, defaultValue = "50000", description = "requests to produce (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--failure-rate", defaultValue = "0.01",
            description = "share of simulated downstream calls that fail, so drops show up (default: ${DEFAULT-VALUE})")
    double failureRate;

    @Option(names = "--timeout", defaultValue = "5m", description = "how long to wait for every request to be accounted for (default: ${DEFAULT-VALUE})")
    String timeout;

    private Duration waitAtMost;

    @Option(names = "--data-dir", defaultValue = ".pipeline-local", description = "data of the local stack if the demo starts it")
    Path dataDir;

    @Option(names = "--secure", description = "run through a secured local stack of its own (SASL_SSL, SCRAM-SHA-512; data in "
            + "<data-dir>/secure): every client connects with the same kafka.* settings")
    boolean secure;

    @Option(names = "--json", description = "one JSON summary on standard output (progress goes to standard error)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        waitAtMost = Durations.parse("--timeout", timeout);
        PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        ConfigLoader loader = options.loader();
        if (!options.overrides.containsKey("pipeline.handler.simulated.failure-rate")) {
            loader.set("pipeline.handler.simulated.failure-rate", Double.toString(failureRate));
        }
        if (!options.overrides.containsKey("kafka.commit.interval.ms")) {
            // Lag is measured from committed offsets; commit every second so the demo's lag column moves.
            loader.set("kafka.commit.interval.ms", "1000");
        }
        if (secure) {
            return secureDemo(loader, out);
        }
        PipelineConfig config = loader.load();
        return LocalStackUse.withStack(config, dataDir, out, spec.commandLine().getErr(), () -> demo(config, out));
    }

    private int demo(PipelineConfig config, PrintWriter out) {
        try (PipelineApp app = PipelineApp.start(config)) {
            Tally.Summary summary = runAndAccount(app, config, "demo-" + System.currentTimeMillis(), out);
            if (json) {
                JsonOutput.print(spec.commandLine().getOut(), summary);
            } else {
                out.println(summary.line());
                out.flush();
            }
            return summary.missing() == 0 ? 0 : 1;
        }
    }

    /** The same demo on a secured stack started for it, on free ports: the app and every client use its settings. */
    private int secureDemo(ConfigLoader loader, PrintWriter out) {
        Path dir = dataDir.resolve("secure");
        out.println("starting a secured local stack (SASL_SSL, SCRAM-SHA-512; data in " + dir.toAbsolutePath() + ") ...");
        out.flush();
        BrokerSecurity security = BrokerSecurity.in(dir.resolve("tls"));
        LocalStack stack = LocalStack.start(dir, Ports.ephemeral(), Ports.ephemeral(), Ports.ephemeral(), security);
        try {
            security.clientSettings(stack.bootstrapServers()).forEach(loader::set);
            loader.set("pipeline.schema-registry.url", stack.registryUrl());
            out.println("connecting as user " + BrokerSecurity.CLIENT_USER + " to " + stack.bootstrapServers() + " over SASL_SSL");
            out.flush();
            return demo(loader.load(), out);
        } finally {
            spec.commandLine().getErr().println("stopping the secured local stack started for this command");
            spec.commandLine().getErr().flush();
            stack.close();
        }
    }

    private Tally.Summary runAndAccount(PipelineApp app, PipelineConfig config, String prefix, PrintWriter out) {
        ProduceSpec spec = new ProduceSpec(count, 0, 1000, 100, null, prefix);
        AtomicLong produced = new AtomicLong();
        ClientConfigs clients = config.kafka().clients();
        String registry = config.kafka().schemaRegistryUrl();
        try (OutcomeReader reader = new OutcomeReader(clients, registry, config.topics().results(), config.topics().dropped(),
                id -> id.startsWith(prefix + "-"), false);
             LagReader lag = new LagReader(clients, Clock.systemUTC())) {
            if (app.httpPort() > 0) {
                out.printf("live status page: http://%s:%d/%n", config.observability().httpHost(), app.httpPort());
            }
            out.printf("producing %,d requests with ids %s-0 .. %s-%d%n", count, prefix, prefix, count - 1);
            out.flush();
            long start = System.nanoTime();
            RequestProducer producer = new RequestProducer(clients, registry, config.topics().input(), Clock.systemUTC());
            CompletableFuture<Long> sending =
                    CompletableFuture.supplyAsync(() -> producer.produce(spec, produced::set, PRODUCED_REFRESH, () -> false));
            long deadline = start + waitAtMost.toNanos();
            long lastReport = 0;
            Tally tally = reader.tally();
            while (System.nanoTime() < deadline) {
                tally = reader.poll(Duration.ofMillis(200));
                boolean sent = sending.isDone();
                if (sent) {
                    produced.set(sending.join());
                }
                boolean allAccounted = sent && tally.results() + tally.dropped() >= count;
                if (allAccounted || System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    long totalLag = inputLag(lag, config);
                    out.printf("  %5.1fs produced=%,d results=%,d retries=%,d dropped=%,d in-flight=%,d lag=%,d%n",
                            (System.nanoTime() - start) / 1e9, produced.get(), tally.results(), app.stats().retriesScheduled(),
                            tally.dropped(), app.window().inFlight(), totalLag);
                    out.flush();
                }
                if (allAccounted) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("accounted for %,d of %,d requests in %.1f s (%,.0f requests/s end to end)%n",
                    tally.results() + tally.dropped(), count, seconds, (tally.results() + tally.dropped()) / seconds);
            out.flush();
            if (tally.results() + tally.dropped() >= count) {
                reportLagSettling(lag, config, out);
            }
            return tally.summarize(count, spec::requestId);
        }
    }

    /**
     * The lag column counts from committed offsets, so it still shows the records since the last commit when the last
     * result arrives. An instance that has caught up commits at once (at most once a second): this shows how soon the
     * lag reads 0.
     */
    private static void reportLagSettling(LagReader lag, PipelineConfig config, PrintWriter out) {
        long since = System.nanoTime();
        long until = since + LAG_SETTLING_BOUND.toNanos();
        long remaining;
        while ((remaining = inputLag(lag, config)) > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(LAG_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        double seconds = (System.nanoTime() - since) / 1e9;
        if (remaining == 0) {
            out.printf("lag 0 on %s %.1f s after every request was accounted for%n", config.topics().input(), seconds);
        } else {
            out.printf("lag still %,d on %s %.1f s after every request was accounted for (commits come every "
                    + "kafka.commit.interval.ms, and at once when caught up)%n", remaining, config.topics().input(), seconds);
        }
        out.flush();
    }

    private static long inputLag(LagReader lag, PipelineConfig config) {
        return lag.read(config.kafka().applicationId(), Set.of(config.topics().input())).stream().mapToLong(PartitionLag::lag).sum();
    }
}
