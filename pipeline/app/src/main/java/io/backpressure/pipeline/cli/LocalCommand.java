package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.broker.BrokerSecurity;
import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.config.Secrets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "local", description = "Start a real Kafka broker and schema registry on loopback; Ctrl-C stops them. "
        + "Every other command's defaults point here.")
final class LocalCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".pipeline-local", description = "where the broker and registry keep data (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "broker port (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE})")
    int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "schema registry port (default: ${DEFAULT-VALUE})")
    int registryPort;

    @Option(names = "--secure", description = "a SASL_SSL listener (SCRAM-SHA-512, a CA and broker certificate made with the JDK at "
            + "first start) instead of PLAINTEXT; data in <data-dir>/secure; the client settings go to <data-dir>/secure/tls/client.properties")
    boolean secure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = secure ? dataDir.resolve("secure") : dataDir;
        out.println("starting Kafka broker" + (secure ? " (SASL_SSL, SCRAM-SHA-512)" : "") + " and schema registry (data in "
                + dir.toAbsolutePath() + ") ...");
        out.flush();
        long start = System.nanoTime();
        BrokerSecurity security = secure ? BrokerSecurity.in(dir.resolve("tls")) : null;
        LocalStack stack = LocalStack.start(dir, kafkaPort, controllerPort, registryPort, security);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping local stack ...");
            out.flush();
            stack.close();
            stopped.countDown();
        }, "local-stack-stop"));
        out.printf("local stack ready in %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.println("  Kafka bootstrap servers: " + stack.bootstrapServers());
        out.println("  Schema registry URL:     " + stack.registryUrl());
        if (security != null) {
            Path clientProperties = security.writeClientProperties(stack.bootstrapServers(), stack.registryUrl());
            security.clientSettings(stack.bootstrapServers()).forEach((name, value) ->
                    out.printf("  %-30s %s%n", name, Secrets.redact(name, value)));
            out.println("  every command connects with: --config " + clientProperties.toAbsolutePath());
        }
        out.println("press Ctrl-C to stop");
        out.flush();
        stopped.await();
        return 0;
    }
}
