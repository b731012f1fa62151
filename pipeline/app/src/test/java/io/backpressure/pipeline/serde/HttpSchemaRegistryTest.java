package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.SUBJECT;
import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST calls against a scripted server: paths, content type, bodies, auth, failover and error mapping. */
class HttpSchemaRegistryTest {
    private static final String BASE = "/apis/ccompat/v7";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String WORK_REQUEST_JSON = new ObjectMapper().createObjectNode()
            .put("schema", WorkRequest.getClassSchema().toString()).toString();

    private FakeRegistryServer server;

    private String start(Function<FakeRegistryServer.Request, FakeRegistryServer.Response> answer) {
        server = new FakeRegistryServer(BASE, answer);
        return server.url(BASE);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static FakeRegistryServer.Response ok(String json) {
        return new FakeRegistryServer.Response(200, json);
    }

    private static Map<String, Object> settings(String url, Object... extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, url);
        for (int i = 0; i < extra.length; i += 2) {
            config.put((String) extra[i], extra[i + 1]);
        }
        return config;
    }

    @Test
    void registersByPostingTheSchemaTextToTheSubjectsVersionsUnderTheBasePath() throws Exception {
        String url = start(r -> ok("{\"id\": 42}"));

        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(settings(url)).serialize(TOPIC, request("r-1"));

        assertEquals(42, ByteBuffer.wrap(bytes, 1, 4).getInt());
        FakeRegistryServer.Request sent = server.requests().get(0);
        assertEquals("POST", sent.method());
        assertEquals("/subjects/" + SUBJECT + "/versions", sent.path());
        assertEquals(CONTENT_TYPE, sent.contentType());
        assertTrue(sent.accept().startsWith(CONTENT_TYPE), sent.accept());
        assertEquals(new ObjectMapper().readTree(WORK_REQUEST_JSON), new ObjectMapper().readTree(sent.body()));
    }

    @Test
    void withoutAutoRegisterLooksTheSchemaUpByPostingToTheSubject() {
        String url = start(r -> ok("{\"subject\": \"" + SUBJECT + "\", \"version\": 3, \"id\": 7, \"schema\": \"\"}"));

        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(settings(url, AvroSerdes.AUTO_REGISTER_SCHEMAS, false))
                .serialize(TOPIC, request("r-1"));

        assertEquals(7, ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals("POST", server.requests().get(0).method());
        assertEquals("/subjects/" + SUBJECT, server.requests().get(0).path());
    }

    @Test
    void useLatestVersionGetsTheSubjectsLatestVersion() throws Exception {
        String latest = new ObjectMapper().createObjectNode().put("subject", SUBJECT).put("version", 2).put("id", 9)
                .put("schema", WorkRequest.getClassSchema().toString()).toString();
        String url = start(r -> ok(latest));

        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(settings(url, AvroSerdes.AUTO_REGISTER_SCHEMAS, "false",
                AvroSerdes.USE_LATEST_VERSION, "true")).serialize(TOPIC, request("r-1"));

        assertEquals(9, ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals("GET", server.requests().get(0).method());
        assertEquals("/subjects/" + SUBJECT + "/versions/latest", server.requests().get(0).path());
    }

    @Test
    void readsTheWriterSchemaByGettingSchemasIds() {
        String url = start(r -> ok(WORK_REQUEST_JSON));
        byte[] bytes = withId(513, SerdeFixtures.<WorkRequest>serializer(SerdeFixtures.config(SerdeFixtures.freshScope()))
                .serialize(TOPIC, request("r-1")));

        Object read = SerdeFixtures.deserializer(settings(url, AvroSerdes.SPECIFIC_AVRO_READER, true)).deserialize(TOPIC, bytes);

        assertEquals(request("r-1"), read);
        assertEquals("GET", server.requests().get(0).method());
        assertEquals("/schemas/ids/513", server.requests().get(0).path());
    }

    @Test
    void userInfoCredentialsAreSentAsBasicAuthAndNeverAppearInErrors() {
        String url = start(r -> new FakeRegistryServer.Response(401, "{\"error_code\": 40101, \"message\": \"Unauthorized\"}"));
        Map<String, Object> config = settings(url, AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdes.BASIC_AUTH_USER_INFO, "svc:s3cr3t-pw");

        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(config).serialize(TOPIC, request("r-1")));

        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, server.requests().get(0).authorization());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("basic.auth.user.info"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void aBearerTokenIsSentAsSuchUnderEitherNameAndNeverAppearsInErrors() {
        String url = start(r -> new FakeRegistryServer.Response(401, "{\"error_code\": 40101, \"message\": \"Unauthorized\"}"));
        for (String name : new String[] {AvroSerdes.BEARER_AUTH_TOKEN, "schema.registry." + AvroSerdes.BEARER_AUTH_TOKEN}) {
            RegistryErrorException e = assertThrows(RegistryErrorException.class,
                    () -> SerdeFixtures.<WorkRequest>serializer(settings(url, name, "t0k3n-s3cr3t")).serialize(TOPIC, request("r-1")));
            assertEquals("Bearer t0k3n-s3cr3t", server.requests().get(server.requests().size() - 1).authorization());
            assertFalse(e.getMessage().contains("t0k3n"), e.getMessage());
        }
        org.apache.kafka.common.config.ConfigException both = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(settings(url, AvroSerdes.BEARER_AUTH_TOKEN, "t", AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE,
                        "USER_INFO", AvroSerdes.BASIC_AUTH_USER_INFO, "u:p")));
        assertTrue(both.getMessage().contains("choose one way to authenticate"), both.getMessage());
    }

    @Test
    void credentialsWrittenInTheUrlAreSentAndRedactedFromMessages() {
        String url = start(r -> new FakeRegistryServer.Response(500, "{\"error_code\": 50001, \"message\": \"store error\"}"));
        String withCredentials = url.replace("http://", "http://svc:s3cr3t-pw@");

        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(settings(withCredentials)).serialize(TOPIC, request("r-1")));

        assertTrue(server.requests().get(0).authorization().startsWith("Basic "));
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertTrue(e.getMessage().contains(url), e.getMessage());
        assertEquals(50001, e.errorCode());
        assertTrue(e.retriable(), "a 5xx may pass");
    }

    @Test
    void firstUnreachableUrlIsSkippedForTheNextOne() {
        String url = start(r -> ok("{\"id\": 5}"));
        String dead = "http://127.0.0.1:" + Ports.ephemeral() + BASE;

        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(settings(dead + " , " + url)).serialize(TOPIC, request("r-1"));

        assertEquals(5, ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @Test
    void unreachableRegistryNamesEveryUrlAndTheCause() {
        String dead = "http://127.0.0.1:" + Ports.ephemeral() + BASE;

        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(settings(dead)).serialize(TOPIC, request("r-1")));

        assertEquals(SerdeException.Kind.REGISTRY_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains(dead), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
        assertTrue(e.retriable());
    }

    @Test
    void aRegistrationThatLostARaceToAnotherInstanceIsAskedOnceMore() {
        java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();
        String url = start(r -> posts.incrementAndGet() == 1
                ? new FakeRegistryServer.Response(409, "{\"error_code\": 409, \"message\": \"An artifact with ID 'x' already exists.\"}")
                : ok("{\"id\": 7}"));

        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(settings(url)).serialize(TOPIC, request("r-1"));

        assertEquals(7, ByteBuffer.wrap(bytes).getInt(1));
        assertEquals(2, posts.get());
    }

    @Test
    void incompatibleRegistrationIsARegistryErrorWithConfluentsCode() {
        String url = start(r -> new FakeRegistryServer.Response(409,
                "{\"error_code\": 409, \"message\": \"Schema being registered is incompatible with an earlier schema\"}"));

        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> SerdeFixtures.<WorkRequest>serializer(settings(url)).serialize(TOPIC, request("r-1")));

        assertEquals(SerdeException.Kind.REGISTRY_ERROR, e.kind());
        assertEquals(409, e.status());
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("POST /subjects/" + SUBJECT + "/versions with HTTP 409"), e.getMessage());
        assertFalse(e.retriable());
    }

    @Test
    void schemaNotFoundOnSchemasIdsIsAnUnknownSchemaId() {
        String url = start(r -> new FakeRegistryServer.Response(404, "{\"error_code\": 40403, \"message\": \"Schema not found\"}"));

        UnknownSchemaIdException e = assertThrows(UnknownSchemaIdException.class,
                () -> SerdeFixtures.deserializer(settings(url)).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 77, 2}));

        assertEquals(77, e.schemaId());
        assertTrue(e.getMessage().contains("schema id 77"), e.getMessage());
    }

    @Test
    void bare404IsAWrongBaseUrlNotAnUnknownId() {
        String url = start(r -> new FakeRegistryServer.Response(404, "<html>Not Found</html>"));

        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> SerdeFixtures.deserializer(settings(url)).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 77, 2}));

        assertEquals(-1, e.errorCode());
        assertTrue(e.getMessage().contains("/apis/ccompat/v7"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void everyRegistryFailureIsTheRegistrysFaultAndOnlySchemaNotFoundIsTheRecords() {
        Map<String, FakeRegistryServer.Response> answers = Map.of(
                "401", new FakeRegistryServer.Response(401, "{\"error_code\": 40101, \"message\": \"Unauthorized\"}"),
                "403", new FakeRegistryServer.Response(403, "{\"error_code\": 40301, \"message\": \"Forbidden\"}"),
                "404 without error code", new FakeRegistryServer.Response(404, "<html>Not Found</html>"),
                "404 subject not found", new FakeRegistryServer.Response(404, "{\"error_code\": 40401, \"message\": \"Subject\"}"),
                "408", new FakeRegistryServer.Response(408, "{\"error_code\": 408, \"message\": \"Request Timeout\"}"),
                "500", new FakeRegistryServer.Response(500, "{\"error_code\": 50001, \"message\": \"store error\"}"),
                "200 not JSON", new FakeRegistryServer.Response(200, "<html>login page</html>"));
        for (Map.Entry<String, FakeRegistryServer.Response> answer : answers.entrySet()) {
            String url = start(r -> answer.getValue());
            SerdeException e = assertThrows(SerdeException.class,
                    () -> SerdeFixtures.deserializer(settings(url)).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 77, 2}));
            assertEquals(SerdeException.Kind.REGISTRY_ERROR, e.kind(), answer.getKey() + ": " + e.getMessage());
            assertFalse(e.causedByRecord(), answer.getKey() + " must not make the record undecodable: " + e.getMessage());
            server.close();
        }
        String url = start(r -> new FakeRegistryServer.Response(404, "{\"error_code\": 40403, \"message\": \"Schema not found\"}"));
        SerdeException notFound = assertThrows(SerdeException.class,
                () -> SerdeFixtures.deserializer(settings(url)).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 77, 2}));
        assertTrue(notFound.causedByRecord(), notFound.getMessage());
        String dead = "http://127.0.0.1:" + Ports.ephemeral() + BASE;
        SerdeException unreachable = assertThrows(SerdeException.class,
                () -> SerdeFixtures.deserializer(settings(dead)).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 78, 2}));
        assertEquals(SerdeException.Kind.REGISTRY_UNAVAILABLE, unreachable.kind());
        assertFalse(unreachable.causedByRecord());
    }

    private static byte[] withId(int id, byte[] bytes) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putInt(1, id);
        return copy;
    }
}
