package io.backpressure.examples.orders;

import io.backpressure.pipeline.embed.BackpressurePipeline;
import io.backpressure.pipeline.embed.EmbeddedPipeline;
import io.backpressure.pipeline.handler.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * An existing Kafka Streams application (String keys, JSON values) that adds the pipeline to its topology: every
 * order is checked by a fraud-check HTTP service, with a bounded number of calls in flight, retries through delay
 * topics, and drops (with the reason) to {@code orders-dropped}.
 */
public final class FraudCheckApp {
    /** An order, keyed by customer. */
    public record Order(String orderId, String customer, long amountCents) {
    }

    /** The fraud service's answer, written to {@code verdicts} under the order's key. */
    public record Verdict(String orderId, boolean approved) {
    }

    private final Topology topology;
    private final EmbeddedPipeline pipeline;

    private FraudCheckApp(Topology topology, EmbeddedPipeline pipeline) {
        this.topology = topology;
        this.pipeline = pipeline;
    }

    /** @param settings pipeline settings ({@code pipeline.window.capacity}, {@code pipeline.retry.*}, ...) */
    public static FraudCheckApp build(URI fraudService, HttpClient http, Map<String, String> settings) {
        return build(fraudService, http, settings, Clock.systemUTC());
    }

    /** @param clock judges deadlines and backoff: a test's own, to step retries without waiting */
    static FraudCheckApp build(URI fraudService, HttpClient http, Map<String, String> settings, Clock clock) {
        Serde<Order> orders = Json.serde(Order.class);
        // The application's own part: drops empty orders and passes the rest on to the pipeline's input topic.
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("orders-raw", Consumed.with(Serdes.String(), orders))
                .filter((customer, order) -> order != null && order.amountCents() > 0)
                .to("orders", Produced.with(Serdes.String(), orders));
        Topology topology = builder.build();

        EmbeddedPipeline pipeline = BackpressurePipeline.builder(Serdes.String(), orders, Json.serde(Verdict.class))
                .topics("orders", "verdicts", "orders-dropped")
                .settings(settings)
                .requestIds((customer, order, headers) -> order.orderId())
                .handler(record -> check(http, fraudService, record.value()))
                .clock(clock)
                .addTo(topology);
        return new FraudCheckApp(topology, pipeline);
    }

    /** 2xx: the verdict; 429 and 5xx: retry later; any other 4xx: the order can never pass, drop it. */
    static CompletableFuture<Outcome<Verdict>> check(HttpClient http, URI service, Order order) {
        HttpRequest request = HttpRequest.newBuilder(service).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(order))).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            int status = response.statusCode();
            if (status / 100 == 2) {
                return Outcome.success(Json.read(response.body(), Verdict.class));
            }
            return status == 429 || status >= 500 ? Outcome.retryable("HTTP " + status) : Outcome.nonRetryable("HTTP " + status);
        });
    }

    public Topology topology() {
        return topology;
    }

    public EmbeddedPipeline pipeline() {
        return pipeline;
    }

    /** {@code java ... FraudCheckApp <bootstrap servers> <fraud service URL>}; stops on Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: FraudCheckApp <bootstrap servers> <fraud service URL>");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fraud-check");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        FraudCheckApp app = build(URI.create(args[1]), HttpClient.newHttpClient(), Map.of("pipeline.bootstrap-servers", args[0]));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
            app.pipeline().ensureTopics(admin);
        }
        KafkaStreams streams = new KafkaStreams(app.topology(), app.pipeline().streamsProperties(props));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            app.pipeline().close();
            stopped.countDown();
        }));
        streams.start();
        stopped.await();
    }
}
