package io.backpressure.pipeline.web;

import java.util.Map;

/** What the server reports about the running app. */
public interface StatusSource {

    /** Kafka Streams' state name (RUNNING, REBALANCING, ERROR, ...). */
    String streamsState();

    /** The JSON document of {@code /api/status}, as nested maps and lists. */
    Map<String, Object> status();

    /** Prometheus text exposition of every meter. */
    String scrape();
}
