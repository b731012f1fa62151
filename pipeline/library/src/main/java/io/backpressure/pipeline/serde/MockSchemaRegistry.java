package io.backpressure.pipeline.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry per scope, used by serdes configured with {@code schema.registry.url=mock://<scope>}, so
 * topology tests run without HTTP. Like Confluent's registry, ids are global to the scope and assigned in sequence
 * from 1, and the same schema text gets the same id under every subject. Unlike it, registering never checks
 * compatibility; {@link #compatibility} answers as Confluent's default rule (BACKWARD against the latest) would.
 * Counts the requests it serves so tests can prove the serdes' cache works.
 */
public final class MockSchemaRegistry implements SchemaRegistry {
    public static final String URL_PREFIX = "mock://";

    private static final ConcurrentMap<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<Integer, AtomicInteger> byIdRequests = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of a scope, created empty on first use; it lives until {@link #dropScope} or the JVM ends. */
    public static MockSchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        requests.incrementAndGet();
        String text = schema.toString();
        Integer id = idsByText.get(text);
        if (id == null) {
            id = idsByText.size() + 1;
            idsByText.put(text, id);
            schemasById.put(id, new Schema.Parser().parse(text));
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        requests.incrementAndGet();
        List<Integer> versions = versions(subject, "POST /subjects/" + subject);
        Integer id = idsByText.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw RegistryErrorException.of(url(), "POST /subjects/" + subject, 404, RegistryErrorException.SCHEMA_NOT_FOUND,
                    "schema " + schema.getFullName() + " is not registered under subject " + subject);
        }
        return id;
    }

    @Override
    public synchronized List<String> compatibility(String subject, Schema schema) {
        requests.incrementAndGet();
        List<Integer> versions = versions(subject, "POST /compatibility/subjects/" + subject + "/versions/latest");
        SchemaCompatibility.SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(schema,
                schemasById.get(versions.get(versions.size() - 1)));
        return pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE ? List.of()
                : pair.getResult().getIncompatibilities().stream().map(i -> i.getMessage() + " at " + i.getLocation()).toList();
    }

    @Override
    public synchronized Registered latest(String subject) {
        requests.incrementAndGet();
        List<Integer> versions = versions(subject, "GET /subjects/" + subject + "/versions/latest");
        int id = versions.get(versions.size() - 1);
        return new Registered(id, versions.size(), schemasById.get(id));
    }

    @Override
    public synchronized Schema byId(int id) {
        requests.incrementAndGet();
        byIdRequests.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id, url());
        }
        return schema;
    }

    /** How many times {@link #byId} was asked for this id. */
    public int byIdRequests(int id) {
        AtomicInteger count = byIdRequests.get(id);
        return count == null ? 0 : count.get();
    }

    /** How many requests of any kind this registry has served (errors included). */
    public int requests() {
        return requests.get();
    }

    public String url() {
        return URL_PREFIX + scope;
    }

    private List<Integer> versions(String subject, String request) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw RegistryErrorException.of(url(), request, 404, RegistryErrorException.SUBJECT_NOT_FOUND,
                    "subject " + subject + " not found");
        }
        return versions;
    }
}
