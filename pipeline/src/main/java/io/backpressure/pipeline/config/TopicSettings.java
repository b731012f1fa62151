package io.backpressure.pipeline.config;

/** The topics the pipeline reads and writes, and how it creates them when they are missing. */
public record TopicSettings(String input, String results, String dropped, int partitions, short replicationFactor) {

    public TopicSettings {
        Check.notBlank("pipeline.topics.input", input);
        Check.notBlank("pipeline.topics.results", results);
        Check.notBlank("pipeline.topics.dropped", dropped);
        Check.atLeast("pipeline.topics.partitions", partitions, 1);
        Check.atLeast("pipeline.topics.replication-factor", replicationFactor, 1);
        if (input.equals(results) || input.equals(dropped) || results.equals(dropped)) {
            throw new IllegalStateException("pipeline.topics.input, .results and .dropped must be three different topics, were "
                    + input + ", " + results + ", " + dropped);
        }
    }
}
