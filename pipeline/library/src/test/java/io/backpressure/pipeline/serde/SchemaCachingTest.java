package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.config;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.backpressure.schemas.WorkRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The registry is asked once per id (reads) and once per subject and schema (writes), even from many threads. */
class SchemaCachingTest {
    private final String scope = SerdeFixtures.freshScope();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    @Test
    void deserializerAsksTheRegistryOnceForAGivenId() {
        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(config(scope)).serialize(TOPIC, request("r-1"));
        AvroDeserializer<WorkRequest> deserializer = SerdeFixtures.deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true));

        for (int i = 0; i < 100; i++) {
            assertEquals(request("r-1"), deserializer.deserialize(TOPIC, bytes));
        }

        assertEquals(1, registry.byIdRequests(1));
    }

    @Test
    void serializerRegistersOncePerSubjectAndSchema() {
        AvroSerializer<WorkRequest> serializer = SerdeFixtures.serializer(config(scope));

        for (int i = 0; i < 100; i++) {
            serializer.serialize(TOPIC, request("r-" + i));
        }
        serializer.serialize("other-topic", request("r-x"));

        assertEquals(2, registry.requests(), "one registration per subject");
    }

    @Test
    void prepareSettlesTheSchemaSoTheFirstRecordAsksNothing() {
        AvroSerializer<WorkRequest> serializer = SerdeFixtures.serializer(config(scope));

        serializer.prepare(TOPIC, WorkRequest.getClassSchema());
        assertEquals(1, registry.requests(), "prepare registers the schema");
        byte[] first = serializer.serialize(TOPIC, request("r-1"));

        assertEquals(1, registry.requests(), "the first record found the schema settled");
        assertEquals(request("r-1"), SerdeFixtures.<WorkRequest>deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true))
                .deserialize(TOPIC, first));
    }

    @Test
    void threadsThatMissTheCacheTogetherStillCauseOneRequest() throws Exception {
        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(config(scope)).serialize(TOPIC, request("r-1"));
        AvroDeserializer<WorkRequest> shared = SerdeFixtures.deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true));
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<WorkRequest>> reads = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                reads.add(pool.submit(() -> {
                    start.await();
                    return shared.deserialize(TOPIC, bytes);
                }));
            }
            start.countDown();
            for (Future<WorkRequest> read : reads) {
                assertEquals(request("r-1"), read.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, registry.byIdRequests(1));
    }

    @Test
    void failuresAreNotCachedSoAnIdRegisteredLaterResolves() {
        AvroDeserializer<WorkRequest> deserializer = SerdeFixtures.deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true));
        byte[] bytes = SerdeFixtures.<WorkRequest>serializer(config(SerdeFixtures.freshScope())).serialize(TOPIC, request("r-1"));
        assertThrows(UnknownSchemaIdException.class, () -> deserializer.deserialize(TOPIC, bytes));

        registry.register("anything-value", WorkRequest.getClassSchema());

        assertEquals(request("r-1"), deserializer.deserialize(TOPIC, bytes));
        assertEquals(2, registry.byIdRequests(1));
    }
}
