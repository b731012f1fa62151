package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.config.PipelineConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * For commands that need a broker: use the configured one, or when the configuration points at the local stack's
 * default addresses and nothing answers there, start the local stack for the duration of the command.
 */
final class LocalStackUse {
    private LocalStackUse() {
    }

    /**
     * @param err where the stop is reported: not {@code out}, whose last line is the command's result (the RESULT or
     *            SUMMARY line scripts read)
     */
    static int withStack(PipelineConfig config, Path dataDir, PrintWriter out, PrintWriter err, Callable<Integer> work) {
        LocalStack owned = startIfNeeded(config, dataDir, out);
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            if (owned != null) {
                err.println("stopping the local stack started for this command");
                err.flush();
                owned.close();
            }
        }
    }

    private static LocalStack startIfNeeded(PipelineConfig config, Path dataDir, PrintWriter out) {
        boolean defaults = config.kafka().bootstrapServers().equals(LocalStack.DEFAULT_BOOTSTRAP)
                && config.kafka().schemaRegistryUrl().equals(LocalStack.DEFAULT_REGISTRY_URL);
        if (!defaults || LocalStack.defaultStackRunning()) {
            out.println("using Kafka at " + config.kafka().bootstrapServers() + " and registry at " + config.kafka().schemaRegistryUrl());
            out.flush();
            return null;
        }
        out.println("starting the local stack (Kafka + schema registry, data in " + dataDir.toAbsolutePath() + ") ...");
        out.flush();
        long start = System.nanoTime();
        LocalStack stack = LocalStack.start(dataDir, LocalStack.DEFAULT_KAFKA_PORT, LocalStack.DEFAULT_CONTROLLER_PORT,
                LocalStack.DEFAULT_REGISTRY_PORT);
        out.printf("local stack ready in %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return stack;
    }
}
