package io.backpressure.pipeline.handler;

import io.backpressure.schemas.WorkRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Posts each request's payload to a URL with the JDK's asynchronous HTTP client. 2xx is success; 408, 429 and 5xx
 * are retryable, keeping the server's {@code Retry-After} as the minimum wait; any other status is non-retryable.
 * Connection errors and time-outs are retryable (decided by {@link FailureClassifier}).
 *
 * <p>Redirects are not followed: a 3xx is non-retryable, with its location in the error. A response body larger than
 * {@code maxResponseBytes} is not read to its end: the call fails, non-retryably. A call cancelled by the pipeline (its
 * time-out) cancels the exchange, so the connection and the downstream's work are released. URLs in errors keep
 * neither user info nor query string, which often carry credentials.
 */
public final class HttpHandler implements RequestHandler {
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

    private final HttpClient client;
    private final URI url;
    private final String printableUrl;
    private final Duration timeout;
    private final int maxResponseBytes;

    public HttpHandler(String url, Duration timeout) {
        this(url, timeout, DEFAULT_MAX_RESPONSE_BYTES);
    }

    public HttpHandler(String url, Duration timeout, int maxResponseBytes) {
        this.url = URI.create(url);
        this.printableUrl = printable(this.url);
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletionStage<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
        ByteBuffer payload = request.getPayload().duplicate();
        byte[] body = new byte[payload.remaining()];
        payload.get(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .header("X-Request-Id", request.getRequestId())
                .header("X-Attempt", Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(builder.build(), info -> new CappedBody(maxResponseBytes));
        CompletableFuture<Outcome<byte[]>> outcome = exchange.handle((response, failure) -> failure != null ? classify(failure) : classify(response));
        // Cancelling a dependent future does not reach the one it depends on: pass the pipeline's cancel on.
        outcome.whenComplete((done, failure) -> {
            if (failure instanceof CancellationException) {
                exchange.cancel(true);
            }
        });
        return outcome;
    }

    private Outcome<byte[]> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ResponseTooLarge) {
                return new Outcome.NonRetryableFailure<>("response body from " + printableUrl + " exceeds " + maxResponseBytes + " bytes");
            }
        }
        return FailureClassifier.classify(failure);
    }

    Outcome<byte[]> classify(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Outcome.success(response.body());
        }
        String error = "HTTP " + status + " from " + printableUrl;
        if (status >= 300 && status < 400) {
            return new Outcome.NonRetryableFailure<>(error + " redirects to "
                    + response.headers().firstValue("Location").map(HttpHandler::printable).orElse("(no Location header)") + "; redirects are not followed");
        }
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("Retry-After").map(HttpHandler::parseRetryAfter).orElse(Duration.ZERO);
            return new Outcome.RetryableFailure<>(error, retryAfter, status == 429 || status == 503);
        }
        return new Outcome.NonRetryableFailure<>(error);
    }

    /** {@code Retry-After} is either delay-seconds or an HTTP-date; anything unparseable means no floor. The policy caps it. */
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

    /** The URL without user info, query or fragment: what may appear in headers and logs. */
    static String printable(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "(unprintable URL)";
        }
    }

    private static String printable(String location) {
        try {
            return printable(new URI(location.strip()));
        } catch (URISyntaxException e) {
            return "(unparseable location)";
        }
    }

    /** Collects a response body up to a limit; past it, cancels the rest of the body and fails. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + item.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new ResponseTooLarge());
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }

    private static final class ResponseTooLarge extends RuntimeException {
        ResponseTooLarge() {
            super("response body too large", null, false, false);
        }
    }
}
