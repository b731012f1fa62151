package io.backpressure.pipeline.handler;

import io.backpressure.schemas.WorkRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionStage;

/**
 * Posts each request's payload to a URL with the JDK's asynchronous HTTP client. 2xx is success; 408, 429 and 5xx
 * are retryable, keeping the server's {@code Retry-After} as the minimum wait; any other status is non-retryable.
 * Connection errors and time-outs are retryable (decided by {@link FailureClassifier}).
 */
public final class HttpHandler implements RequestHandler {
    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    public HttpHandler(String url, Duration timeout) {
        this.url = URI.create(url);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public CompletionStage<Outcome> handle(WorkRequest request, int attempt) {
        ByteBuffer payload = request.getPayload().duplicate();
        byte[] body = new byte[payload.remaining()];
        payload.get(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .header("X-Request-Id", request.getRequestId())
                .header("X-Attempt", Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, failure) -> failure != null ? FailureClassifier.classify(failure) : classify(response));
    }

    static Outcome classify(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Outcome.success(response.body());
        }
        String error = "HTTP " + status + " from " + response.uri();
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("Retry-After").map(HttpHandler::parseRetryAfter).orElse(Duration.ZERO);
            return new Outcome.RetryableFailure(error, retryAfter);
        }
        return new Outcome.NonRetryableFailure(error);
    }

    /** {@code Retry-After} is either delay-seconds or an HTTP-date; anything unparseable means no floor. */
    static Duration parseRetryAfter(String value) {
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (RuntimeException notDate) {
                return Duration.ZERO;
            }
        }
    }
}
