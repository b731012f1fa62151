package io.backpressure.pipeline.config;

/**
 * The topics the pipeline reads and writes, and how it creates them when they are missing.
 *
 * @param replicationFactor of the topics it creates, Kafka Streams' internal ones included; -1 for the broker's default
 * @param create            false to only check that the topics exist with {@code partitions} partitions (for clusters
 *                          where applications may not create topics)
 */
public record TopicSettings(String input, String results, String dropped, int partitions, short replicationFactor, boolean create) {
    public static final short BROKER_DEFAULT = -1;

    public TopicSettings {
        Check.notBlank("pipeline.topics.input", input);
        Check.notBlank("pipeline.topics.results", results);
        Check.notBlank("pipeline.topics.dropped", dropped);
        Check.atLeast("pipeline.topics.partitions", partitions, 1);
        if (replicationFactor != BROKER_DEFAULT && replicationFactor < 1) {
            throw new IllegalArgumentException("pipeline.topics.replication-factor must be >= 1, or -1 for the broker's default, was "
                    + replicationFactor);
        }
        if (input.equals(results) || input.equals(dropped) || results.equals(dropped)) {
            throw new IllegalStateException("pipeline.topics.input, .results and .dropped must be three different topics, were "
                    + input + ", " + results + ", " + dropped);
        }
    }
}
