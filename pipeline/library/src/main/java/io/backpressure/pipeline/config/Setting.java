package io.backpressure.pipeline.config;

import java.util.List;
import java.util.Locale;

/** One documented configuration setting: its name, default and meaning. The README's table is generated from these. */
public record Setting(String name, String defaultValue, String description) {

    /** The environment variable that overrides this setting: {@code pipeline.window.capacity} -> {@code PIPELINE_WINDOW_CAPACITY}. */
    public String envName() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static final List<Setting> ALL = List.of(
            new Setting("pipeline.bootstrap-servers", "127.0.0.1:9092", "Kafka bootstrap servers"),
            new Setting("pipeline.schema-registry.url", "http://127.0.0.1:8081/apis/ccompat/v7",
                    "Confluent-compatible schema registry URL (the local stack's registry by default)"),
            new Setting("pipeline.schema-registry.timeout", "",
                    "longest one registry request may take; times the number of registry URLs it must fit the stream thread's "
                            + "blocking bound; empty = that bound divided by the URLs, at most 5s"),
            new Setting("pipeline.application-id", "backpressure-pipeline",
                    "Kafka Streams application id; also the consumer group whose lag is reported"),
            new Setting("pipeline.processing-guarantee", "at_least_once", "at_least_once or exactly_once_v2"),
            new Setting("pipeline.state-dir", ".pipeline-local/streams", "Kafka Streams state directory"),
            new Setting("pipeline.topics.input", "work-requests", "topic of work requests"),
            new Setting("pipeline.topics.results", "work-results", "topic of results of successful requests"),
            new Setting("pipeline.topics.dropped", "work-dropped", "topic of dropped requests, reason in headers"),
            new Setting("pipeline.topics.partitions", "6", "partitions of topics the pipeline creates"),
            new Setting("pipeline.topics.replication-factor", "-1",
                    "replication factor of topics the pipeline creates, Kafka Streams' internal ones included; -1 = the broker's default"),
            new Setting("pipeline.topics.create", "true",
                    "false = do not create topics, only check they exist with pipeline.topics.partitions partitions"),
            new Setting("pipeline.decode.max-value-bytes", "8388608",
                    "larger input values are dropped as UNDECODABLE before decoding; also Avro's string and bytes limit"),
            new Setting("pipeline.decode.max-collection-items", "100000", "most items one Avro array or map may declare"),
            new Setting("pipeline.window.capacity", "1000", "most handler calls in flight at once per instance"),
            new Setting("pipeline.window.limit", "fixed",
                    "fixed (always the capacity) or an adaptive limit under it: vegas, gradient2 or aimd"),
            new Setting("pipeline.window.limit.initial", "20", "adaptive limit: calls allowed in flight before any measurement (at most the capacity)"),
            new Setting("pipeline.window.limit.min", "1", "adaptive limit: never below this"),
            new Setting("pipeline.window.limit.sample-window", "100ms",
                    "adaptive limit: calls finishing within this period (at least 10, or a refusal) make one measurement; >= 100ms"),
            new Setting("pipeline.window.limit.aimd.backoff-ratio", "0.9", "aimd: factor the limit shrinks by on a timeout or 429/503"),
            new Setting("pipeline.window.limit.gradient2.rtt-tolerance", "1.5",
                    "gradient2: latency up to this multiple of the long-term latency counts as no queueing"),
            new Setting("pipeline.window.forward-interval", "10ms",
                    "how often finished calls are forwarded when no record arrives, and calls past the handler timeout are timed out (on a grid shared by the tasks; five times less often while records arrive and are answered at once)"),
            new Setting("pipeline.handler.timeout", "5s", "per-attempt handler timeout, checked every forward interval; a timed-out call is a retryable failure"),
            new Setting("pipeline.handler.type", "simulated", "simulated, http, a plug-in handler's name (run --handler-jar), or a RequestHandler class name"),
            new Setting("pipeline.handler.http.url", "", "URL the http handler posts payloads to"),
            new Setting("pipeline.handler.http.max-response-bytes", "1048576",
                    "larger response bodies fail the call (non-retryable) instead of being read whole"),
            new Setting("pipeline.handler.simulated.latency", "5ms", "mean latency of the simulated downstream"),
            new Setting("pipeline.handler.simulated.distribution", "uniform", "fixed, uniform (0 to 2x mean) or exponential"),
            new Setting("pipeline.handler.simulated.failure-rate", "0.0", "share of simulated calls that fail (retryable)"),
            new Setting("pipeline.handler.simulated.concurrency", "0",
                    "calls the simulated downstream serves at once (0 = unlimited); extra calls queue"),
            new Setting("pipeline.handler.simulated.seed", "42", "seed of the simulated downstream's random draws"),
            new Setting("pipeline.handler.simulated.capacity-schedule", "",
                    "changes the simulated concurrency over time, as after:workers pairs, e.g. 0s:100,60s:50,120s:100"),
            new Setting("pipeline.retry.max-attempts", "3", "handler calls per request at most, the first included (1 = no retries)"),
            new Setting("pipeline.retry.backoff", "full-jitter",
                    "full-jitter, equal-jitter, decorrelated-jitter; exponential and none exist for comparison only"),
            new Setting("pipeline.retry.base", "100ms", "backoff base delay"),
            new Setting("pipeline.retry.cap", "20s", "backoff maximum delay"),
            new Setting("pipeline.retry.budget.tokens", "500", "per-instance retry budget (token bucket); 0 = off"),
            new Setting("pipeline.retry.budget.retry-cost", "5", "tokens one retry takes"),
            new Setting("pipeline.retry.budget.success-refund", "1", "tokens one success gives back"),
            new Setting("pipeline.retry.default-ttl", "10m", "deadline of requests that carry none, from creation; 0s = none"),
            new Setting("pipeline.retry.max-pending-per-task", "100000",
                    "retries held per task at most; when full the delay topics stop being taken"),
            new Setting("pipeline.retry.release-interval", "10ms", "how often due retries are released (jittered)"),
            new Setting("pipeline.retry.retry-after-cap", "",
                    "longest downstream Retry-After honoured; empty = the value of pipeline.retry.cap"),
            new Setting("pipeline.commit.mode", "persist",
                    "persist: a commit writes the requests of calls still in flight to the task's timer store instead of waiting "
                            + "for them; drain: a commit waits until every call of the task has finished"),
            new Setting("pipeline.commit.handover-wait", "1s",
                    "persist: how long a commit waits for calls to finish when its task is leaving (rebalance, stop) before persisting "
                            + "the rest; at most 1.5 x pipeline.handler.timeout + 1s"),
            new Setting("pipeline.ordering", "unordered",
                    "unordered: requests run as the window allows; key: one request per key at a time, retries included, later "
                            + "requests of a busy key wait in order"),
            new Setting("pipeline.ordering.max-parked", "10000",
                    "key: requests a task keeps parked behind busy keys at most; past it admission waits for a key to free"),
            new Setting("pipeline.health.pause-after-failures", "200",
                    "retryable failures in a row that pause consumption of the whole instance; 0 = never pause"),
            new Setting("pipeline.health.probe-interval", "1s", "first wait before probing a paused downstream (jittered, doubling)"),
            new Setting("pipeline.health.max-probe-interval", "30s", "longest wait between probes"),
            new Setting("pipeline.health.probe-url", "",
                    "URL to GET as the probe (the downstream's health endpoint); empty = call the handler with an empty request"),
            new Setting("pipeline.stream-thread.max-replacements", "10",
                    "stream-thread failures tolerated within the window below; one more stops the instance (0 = stop at the first)"),
            new Setting("pipeline.stream-thread.replacement-window", "5m", "period over which stream-thread failures are counted"),
            new Setting("pipeline.shutdown.grace", "25s",
                    "longest graceful stop (SIGTERM): tasks commit (calls in flight are persisted, or drained in drain mode), then Kafka "
                            + "Streams closes; keep below the container's grace"),
            new Setting("pipeline.instance-id", "",
                    "static group membership id (group.instance.id): a restart within the session timeout keeps its tasks without a "
                            + "rebalance; 'hostname' for the host name; empty = dynamic membership (leaves the group on a graceful stop)"),
            new Setting("pipeline.http.host", "127.0.0.1", "address of the metrics, health and status page server"),
            new Setting("pipeline.http.port", "9464", "port of that server; 0 = no server"),
            new Setting("pipeline.lag.refresh-interval", "5s", "how often the app measures its own lag for metrics (jittered)"));

    public static Setting named(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst().orElse(null);
    }
}
