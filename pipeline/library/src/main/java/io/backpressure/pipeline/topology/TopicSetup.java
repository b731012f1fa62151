package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.TopicSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing and refuses to run against existing ones whose partition
 * count differs from the configuration: keys would land on other partitions than the pipeline expects.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * Waits until every partition has a leader. Producing to a topic the moment it is created can meet
     * NOT_LEADER_OR_FOLLOWER, after which an idempotent producer may get stuck on OUT_OF_ORDER_SEQUENCE_NUMBER.
     * Right after creation the broker that answers may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION, seen
     * once in CI): that too is waited out, within the same bound.
     */
    public static Map<String, TopicDescription> awaitLeaders(Admin admin, List<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                boolean ready = described.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (ready || System.nanoTime() > deadline) {
                    return described;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
    }

    public static void ensure(Admin admin, TopicSettings topics, List<String> extraTopics) {
        List<String> names = new ArrayList<>(List.of(topics.input(), topics.results(), topics.dropped()));
        names.addAll(extraTopics);
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Optional<Short> replication = topics.replicationFactor() == TopicSettings.BROKER_DEFAULT ? Optional.empty()
                    : Optional.of(topics.replicationFactor());
            List<NewTopic> missing = names.stream().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, Optional.of(topics.partitions()), replication)).toList();
            if (!missing.isEmpty() && !topics.create()) {
                throw new IllegalStateException("pipeline.topics.create=false and these topics are missing: "
                        + String.join(", ", missing.stream().map(NewTopic::name).toList()) + "; create them with " + topics.partitions()
                        + " partitions each (pipeline.topics.partitions), or let the pipeline create them");
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(), topics.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            Map<String, TopicDescription> described = awaitLeaders(admin, names);
            for (String name : names) {
                int actual = described.get(name).partitions().size();
                if (actual != topics.partitions()) {
                    throw new IllegalStateException("topic " + name + " exists with " + actual + " partitions but pipeline.topics.partitions is "
                            + topics.partitions() + ": set pipeline.topics.partitions=" + actual + " or use other topic names");
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                throw new IllegalStateException("Kafka refused the credentials (check kafka.sasl.jaas.config and kafka.sasl.mechanism): "
                        + e.getCause().getMessage(), e.getCause());
            }
            if (e.getCause() instanceof SslAuthenticationException) {
                throw new IllegalStateException("the TLS handshake with Kafka failed (check kafka.ssl.truststore.location and "
                        + "kafka.ssl.truststore.password): " + e.getCause().getMessage(), e.getCause());
            }
            throw new IllegalStateException("could not create or describe topics " + names + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating topics " + names
                    + " (is the broker at pipeline.bootstrap-servers running?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
