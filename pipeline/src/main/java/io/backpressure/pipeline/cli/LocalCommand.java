package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.broker.LocalStack;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        out.println("starting Kafka broker and schema registry (data in " + dataDir.toAbsolutePath() + ") ...");
        out.flush();
        long start = System.nanoTime();
        LocalStack stack = LocalStack.start(dataDir, kafkaPort, controllerPort, registryPort);
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
        out.println("press Ctrl-C to stop");
        out.flush();
        stopped.await();
        return 0;
    }
}
