package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.serde.RegistryErrorException;
import io.backpressure.pipeline.serde.RegistryUnavailableException;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The tools' first step: the broker (and the registry, for tools that read or write Avro) answer within a stated
 * time, or the tool stops with one line naming the address and the setting. Kafka's clients would otherwise retry
 * for their own timeouts, a WARN line per attempt, and end with a message that names neither.
 */
final class Reachability {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Reachability() {
    }

    /** The tools print their own lines; Kafka's clients' reconnect warnings only hide them. {@code run} keeps them. */
    static void quietKafkaClients() {
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
    }

    /** Kafka's clients stay quiet during the check only; the tools quiet them for good with {@link #quietKafkaClients()}. */
    static void requireBroker(PipelineConfig config) {
        Level before = LogManager.getLogger("org.apache.kafka").getLevel();
        quietKafkaClients();
        try {
            askBroker(config);
        } finally {
            Configurator.setLevel("org.apache.kafka", before);
        }
    }

    private static void askBroker(PipelineConfig config) {
        String where = "Kafka at " + config.kafka().bootstrapServers() + " (pipeline.bootstrap-servers)";
        int millis = (int) TIMEOUT.toMillis();
        Admin admin = Admin.create(config.kafka().clients().admin(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis)));
        try {
            admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unanswered(where);
        } catch (ExecutionException e) {
            // The admin client's own API timeout, the same bound, may fire first.
            throw e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException ? unanswered(where)
                    : new IllegalStateException(where + " refused: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching " + where);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static IllegalStateException unanswered(String where) {
        return new IllegalStateException(where + " did not answer within " + TIMEOUT.toSeconds()
                + " s: is it running, and are kafka.security.protocol and its settings right? (pipeline doctor checks them)");
    }

    static void requireRegistry(PipelineConfig config) {
        String url = config.kafka().schemaRegistryUrl();
        try {
            Registries.open(SerdeConfig.parse(config.kafka().clients().serde(url,
                    Map.of("schema.registry.request.timeout.ms", TIMEOUT.toMillis())))).latest(config.topics().input() + "-value");
        } catch (RegistryErrorException answered) {
            // An answer, even "no such subject", is all this asks for.
        } catch (RegistryUnavailableException e) {
            throw new IllegalStateException("the schema registry at " + url + " (pipeline.schema-registry.url) cannot be reached within "
                    + TIMEOUT.toSeconds() + " s (" + e.getMessage() + ")");
        } catch (SerdeException e) {
            throw new IllegalStateException("the schema registry at " + url + " (pipeline.schema-registry.url): " + e.getMessage());
        }
    }
}
