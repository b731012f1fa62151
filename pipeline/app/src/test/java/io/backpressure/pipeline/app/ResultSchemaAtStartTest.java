package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.serde.AvroSerdes;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.pipeline.serde.MockSchemaRegistry;
import io.backpressure.schemas.WorkResult;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The result schema is settled before the pipeline starts: a refusal stops the start, an outage only delays it. */
class ResultSchemaAtStartTest {
    private static final String TOPIC = "orders-results";

    @Test
    void aRegistryThatRefusesTheResultSchemaStopsTheStartNamingTheTopic() {
        String scope = "start-" + UUID.randomUUID();
        MockSchemaRegistry.forScope(scope).register(TOPIC + "-value",
                SchemaBuilder.record("Other").fields().requiredInt("count").endRecord());
        AvroSerializer<WorkResult> results = new AvroSerializer<>();
        results.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, MockSchemaRegistry.URL_PREFIX + scope,
                AvroSerdes.AUTO_REGISTER_SCHEMAS, false, AvroSerdes.USE_LATEST_VERSION, true), false);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> PipelineApp.prepareResultSchema(results, TOPIC));

        assertTrue(refused.getMessage().startsWith("the schema registry refused the result schema for topic " + TOPIC + ": "),
                refused.getMessage());
    }

    @Test
    void aRegistryThatIsDownAtStartDoesNotStopIt() {
        AvroSerializer<WorkResult> results = new AvroSerializer<>();
        results.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1"), false);

        assertDoesNotThrow(() -> PipelineApp.prepareResultSchema(results, TOPIC), "the first result settles it once the registry is back");
    }
}
