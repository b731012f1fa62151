package io.backpressure.pipeline.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The names Kafka Streams and its clients know, to tell a typo in a {@code kafka.*} setting from a real setting. */
final class KafkaNames {
    private static final Set<String> KNOWN = known();
    /** Prefixes Kafka Streams passes on to one client kind; what follows must be that client's setting. */
    private static final List<String> CLIENT_PREFIXES = List.of("producer.", "consumer.", "main.consumer.", "restore.consumer.",
            "global.consumer.", "admin.");

    private KafkaNames() {
    }

    private static Set<String> known() {
        Set<String> names = new TreeSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** Null when Kafka knows {@code name} (without the {@code kafka.} prefix); otherwise the closest known name. */
    static String unknownClosestTo(String name) {
        if (name.startsWith("topic.") || name.startsWith("config.providers")) {
            return null;
        }
        String bare = name;
        for (String prefix : CLIENT_PREFIXES) {
            if (name.startsWith(prefix)) {
                bare = name.substring(prefix.length());
                break;
            }
        }
        if (KNOWN.contains(bare)) {
            return null;
        }
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : KNOWN) {
            int d = distance(bare, candidate);
            if (d < best) {
                best = d;
                closest = candidate;
            }
        }
        return name.substring(0, name.length() - bare.length()) + closest;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
