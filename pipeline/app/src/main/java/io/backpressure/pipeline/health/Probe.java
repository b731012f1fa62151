package io.backpressure.pipeline.health;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.schemas.WorkRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks a paused instance's downstream whether it is back. The downstream counts as healthy unless the answer is a
 * retryable failure (a time-out, a connection error, 5xx, 429, 408): a 400 for a request it finds odd still says it is
 * up, and must not keep the instance paused for ever.
 */
@FunctionalInterface
public interface Probe {

    CompletionStage<Outcome<byte[]>> probe();

    /** Whether an answer says the downstream is up. */
    static boolean healthy(Outcome<?> outcome, Throwable failure) {
        return failure == null && outcome != null && !(outcome instanceof Outcome.RetryableFailure<?>);
    }

    /**
     * Calls the handler with a synthetic request: id {@code health-probe-N}, key {@code health-probe}, an empty payload
     * and the attribute {@code probe=true}, at attempt 1.
     */
    static Probe viaHandler(RequestHandler handler, Clock clock) {
        AtomicLong probes = new AtomicLong();
        return () -> handler.handle(WorkRequest.newBuilder().setRequestId("health-probe-" + probes.incrementAndGet()).setKey("health-probe")
                .setPayload(ByteBuffer.allocate(0)).setCreatedAt(clock.instant()).setAttributes(Map.of("probe", "true")).build(), 1);
    }

    /** A GET of the downstream's own health URL (for example its {@code /health} endpoint), classified as above. */
    static Probe url(String url, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        return () -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            if (failure != null) {
                return FailureClassifier.classify(failure);
            }
            int status = response.statusCode();
            return status == 408 || status == 429 || status >= 500
                    ? new Outcome.RetryableFailure<>("health probe got HTTP " + status)
                    : Outcome.success(new byte[0]);
        });
    }
}
