package io.backpressure.pipeline.serde.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backpressure.pipeline.serde.IncompatibleSchemaException;
import io.backpressure.pipeline.serde.RegistryErrorException;
import io.backpressure.pipeline.serde.RegistryUnavailableException;
import io.backpressure.pipeline.serde.SchemaRegistry;
import io.backpressure.pipeline.serde.UnknownSchemaIdException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's registry REST API over the JDK HTTP client. No cache here ({@link CachingSchemaRegistry} adds it) and no
 * retries: a caller that sees {@link RegistryUnavailableException#retriable()} decides. With several URLs it sticks to
 * the one that last answered and moves on only when a URL cannot be reached at all.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json, application/json";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // Bounded so a stuck registry cannot hold a stream thread past max.poll.interval.ms; each request has its own bound too.
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    // One client for all serdes: each JDK client owns a selector thread. HTTP/1.1 because the default HTTP/2 upgrade
    // on plain http is refused or mishandled by some registries and proxies.
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    private final List<Endpoint> endpoints;
    private final Duration requestTimeout;
    private final HttpClient client;
    private final AtomicInteger current = new AtomicInteger();

    /** @param sslContext TLS of {@code schema.registry.ssl.*}, or null for the JVM's defaults (and the shared client) */
    public HttpSchemaRegistry(List<Endpoint> endpoints, Duration requestTimeout, SSLContext sslContext) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one registry endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.requestTimeout = requestTimeout;
        this.client = sslContext == null ? CLIENT : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).sslContext(sslContext).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        String path = "/subjects/" + segment(subject) + "/versions";
        try {
            return intField(call("POST", path, schemaBody(schema)), "id");
        } catch (RegistryErrorException e) {
            if (e.status() != 409) {
                throw e;
            }
            // Instances starting together register the same schema at once, and some registries (Apicurio) answer the
            // loser of that race with 409 "already exists". Once more after a jittered pause: a race now finds the
            // schema registered, while a real incompatibility answers 409 again and is reported.
            sleepQuietly(50 + ThreadLocalRandom.current().nextLong(100));
            return intField(call("POST", path, schemaBody(schema)), "id");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return intField(call("POST", "/subjects/" + segment(subject), schemaBody(schema)), "id");
    }

    @Override
    public Registered latest(String subject) {
        Reply reply = call("GET", "/subjects/" + segment(subject) + "/versions/latest", null);
        int id = intField(reply, "id");
        return new Registered(id, intField(reply, "version"), parse(id, reply));
    }

    @Override
    public List<String> compatibility(String subject, Schema schema) {
        JsonNode body = call("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest?verbose=true",
                schemaBody(schema)).body();
        if (body.path("is_compatible").asBoolean(false)) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        body.path("messages").forEach(message -> reasons.add(message.asText()));
        return reasons.isEmpty() ? List.of("not compatible") : reasons;
    }

    @Override
    public Schema byId(int id) {
        Reply reply;
        try {
            reply = call("GET", "/schemas/ids/" + id, null);
        } catch (RegistryErrorException e) {
            // Only Confluent's "schema not found" code: a bare 404 more likely means a wrong base URL than a wrong id.
            if (e.status() == 404 && e.errorCode() == RegistryErrorException.SCHEMA_NOT_FOUND) {
                throw new UnknownSchemaIdException(id, String.valueOf(endpoints.get(current.get())));
            }
            throw e;
        }
        return parse(id, reply);
    }

    /** A 2xx answer, its JSON body and what was asked, for messages. */
    private record Reply(Endpoint endpoint, String request, JsonNode body) {
    }

    private Reply call(String method, String path, String body) {
        int first = current.get();
        IOException lastFailure = null;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (first + i) % endpoints.size();
            Endpoint endpoint = endpoints.get(index);
            HttpResponse<String> response;
            try {
                response = client.send(request(endpoint, method, path, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastFailure = e;
                continue;
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
            if (index != first) {
                LOG.warn("schema registry {} unreachable, using {}", endpoints.get(first), endpoint);
                current.set(index);
            }
            return reply(endpoint, method + " " + path, response);
        }
        throw new RegistryUnavailableException(endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", ")), lastFailure);
    }

    private HttpRequest request(Endpoint endpoint, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(requestTimeout).header("Accept", ACCEPT);
        if (endpoint.auth() != null) {
            request.header("Authorization", endpoint.auth().header());
        }
        if (body == null) {
            return request.GET().build();
        }
        return request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private static Reply reply(Endpoint endpoint, String request, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            // Left null: proxies and servlet containers answer errors in plain text or HTML.
        }
        if (status / 100 != 2) {
            int errorCode = json != null && json.path("error_code").canConvertToInt() ? json.path("error_code").asInt() : -1;
            String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : response.body();
            throw RegistryErrorException.of(endpoint.toString(), request, status, errorCode, message);
        }
        if (json == null || !json.isObject()) {
            throw RegistryErrorException.of(endpoint.toString(), request, status, -1, "answer is not a JSON object: " + response.body());
        }
        return new Reply(endpoint, request, json);
    }

    private static int intField(Reply reply, String field) {
        JsonNode value = reply.body().get(field);
        if (value == null || !value.canConvertToInt()) {
            throw RegistryErrorException.of(reply.endpoint().toString(), reply.request(), 200, -1,
                    "answer has no integer \"" + field + "\": " + reply.body());
        }
        return value.asInt();
    }

    private static Schema parse(int id, Reply reply) {
        String type = reply.body().path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new IncompatibleSchemaException("id " + id + " (" + type + ")", "Avro", "the registry holds a " + type
                    + " schema under this id and this serde reads only Avro");
        }
        String text = reply.body().path("schema").asText(null);
        if (text == null) {
            throw RegistryErrorException.of(reply.endpoint().toString(), reply.request(), 200, -1, "answer has no \"schema\" text");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new IncompatibleSchemaException("id " + id, "Avro", "the registry's schema text does not parse as Avro: " + e.getMessage());
        }
    }

    private static String schemaBody(Schema schema) {
        // Schema#toString is exactly the text Confluent's Java serializer registers, so both find the same id.
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String segment(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistry" + endpoints;
    }
}
