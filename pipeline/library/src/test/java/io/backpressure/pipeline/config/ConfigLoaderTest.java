package io.backpressure.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsPointAtTheLocalStack() {
        PipelineConfig config = new ConfigLoader().load();
        assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
        assertEquals("http://127.0.0.1:8081/apis/ccompat/v7", config.kafka().schemaRegistryUrl());
        assertEquals(ProcessingGuarantee.AT_LEAST_ONCE, config.kafka().guarantee());
        assertEquals(1000, config.window().capacity());
        assertEquals(Duration.ofSeconds(5), config.window().handlerTimeout());
    }

    @Test
    void laterSourcesWinFileThenEnvironmentThenFlags(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, "pipeline.window.capacity=10\npipeline.topics.partitions=3\nkafka.num.stream.threads=2\n");
        PipelineConfig config = new ConfigLoader()
                .file(file)
                .environment(Map.of("PIPELINE_WINDOW_CAPACITY", "20", "PIPELINE_PROCESSING_GUARANTEE", "exactly_once_v2"))
                .overrides(Map.of("pipeline.window.capacity", "30"))
                .load();
        assertEquals(30, config.window().capacity());
        assertEquals(3, config.topics().partitions());
        assertEquals(ProcessingGuarantee.EXACTLY_ONCE_V2, config.kafka().guarantee());
        assertEquals("2", config.streamsProperties().get("num.stream.threads"));
        assertEquals("exactly_once_v2", config.streamsProperties().get("processing.guarantee"));
    }

    @Test
    void recordsPerPollFollowTheWindowUnlessKafkaSettingsSayOtherwise() {
        Map<String, Object> small = mainConsumer(new ConfigLoader().set("pipeline.window.capacity", "20"));
        assertEquals(20, small.get("max.poll.records"));
        assertEquals(1000, mainConsumer(new ConfigLoader().set("pipeline.window.capacity", "5000")).get("max.poll.records"));
        assertEquals(300, mainConsumer(new ConfigLoader().set("pipeline.window.capacity", "20").set("kafka.max.poll.records", "300"))
                .get("max.poll.records"));
        assertEquals(300, mainConsumer(new ConfigLoader().set("kafka.consumer.max.poll.records", "300")).get("max.poll.records"));
    }

    @Test
    void keyOrderUnderAtLeastOnceIsRefusedNamingBothSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.ordering", "key").load());
        assertEquals("pipeline.ordering=key needs pipeline.processing-guarantee=exactly_once_v2, was at_least_once: under"
                + " at_least_once a crash could lose a request waiting for its key", e.getMessage());
        assertEquals(OrderingSettings.Mode.KEY, new ConfigLoader().set("pipeline.ordering", "KEY")
                .set("pipeline.processing-guarantee", "exactly_once_v2").load().ordering().mode());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.ordering", "per-key").load());
        assertEquals("pipeline.ordering must be unordered or key, was per-key", bad.getMessage());
    }

    /** The main consumer's settings as Kafka Streams derives them from the pipeline's properties. */
    private static Map<String, Object> mainConsumer(ConfigLoader loader) {
        Map<String, Object> configs = new StreamsConfig(loader.load().streamsProperties()).getMainConsumerConfigs("group", "client", 0);
        configs.computeIfPresent("max.poll.records", (k, v) -> Integer.valueOf(v.toString()));
        return configs;
    }

    /**
     * Kafka Streams' partition assignor reads its Streams settings from the main consumer's: without the flag there, it
     * warned at every start, once per stream thread, that the processing exception handler was off for the global thread.
     */
    @Test
    void thePartitionAssignorSeesTheGlobalThreadsProcessingExceptionHandlerEnabled() {
        Map<String, Object> assignorSettings = mainConsumer(new ConfigLoader());
        assertEquals("true", String.valueOf(assignorSettings.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)));
    }

    @Test
    void badValueNamesTheSettingAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.window.capacity", "0").load());
        assertEquals("pipeline.window.capacity must be >= 1, was 0", e.getMessage());
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.topics.partitions", "six").load());
        assertEquals("pipeline.topics.partitions must be a whole number, was 'six'", notNumber.getMessage());
        IllegalArgumentException guarantee = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.processing-guarantee", "exactly_once").load());
        assertEquals("pipeline.processing-guarantee must be one of at_least_once, exactly_once_v2, was exactly_once", guarantee.getMessage());
    }

    @Test
    void unknownSettingIsRefusedSoTyposAreNoticed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.window.capcity", "5"));
        assertTrue(e.getMessage().startsWith("unknown setting pipeline.window.capcity"), e.getMessage());
    }

    @Test
    void handlerTimeoutThatOutlastsTheTransactionIsRefusedUnderExactlyOnce() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("pipeline.processing-guarantee", "exactly_once_v2")
                .set("pipeline.handler.timeout", "8s")
                .load());
        assertTrue(e.getMessage().contains("kafka.producer.transaction.timeout.ms"), e.getMessage());
        // Raising the transaction timeout makes the same handler timeout acceptable.
        new ConfigLoader().set("pipeline.processing-guarantee", "exactly_once_v2").set("pipeline.handler.timeout", "8s")
                .set("kafka.producer.transaction.timeout.ms", "60000").load();
    }

    @Test
    void handlerTimeoutThatRisksThePollIntervalIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("pipeline.handler.timeout", "10s").set("kafka.max.poll.interval.ms", "20000").load());
        assertTrue(e.getMessage().contains("kafka.max.poll.interval.ms=20000"), e.getMessage());
    }

    @Test
    void exceptionHandlersThatContinuePastAFailedRecordAreRefusedByName() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("kafka.deserialization.exception.handler", "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler").load());
        assertEquals("kafka.deserialization.exception.handler=org.apache.kafka.streams.errors.LogAndContinueExceptionHandler is refused:"
                + " a handler that continues past a failed record loses it; the pipeline sends bad records to the dropped topic itself"
                + " (remove the setting, or set org.apache.kafka.streams.errors.LogAndFailExceptionHandler)", e.getMessage());
        assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("kafka.processing.exception.handler", "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler").load());
        assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("kafka.default.production.exception.handler", "com.example.IgnoreEverything").load());
        new ConfigLoader().set("kafka.production.exception.handler", "org.apache.kafka.streams.errors.DefaultProductionExceptionHandler").load();
    }

    @Test
    void registryTimeoutTimesItsUrlsMustFitTheBlockingBound() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new ConfigLoader()
                .set("pipeline.schema-registry.url", "http://a:8081,http://b:8081,http://c:8081")
                .set("pipeline.schema-registry.timeout", "3s").load());
        assertEquals("pipeline.schema-registry.timeout=3s x 3 registry URL(s) = 9000 ms, more than the stream thread may block (8500 ms,"
                + " from pipeline.handler.timeout): lower pipeline.schema-registry.timeout or raise pipeline.handler.timeout", e.getMessage());
        PipelineConfig derived = new ConfigLoader().set("pipeline.schema-registry.url", "http://a:8081,http://b:8081,http://c:8081")
                .set("pipeline.handler.timeout", "200ms").load();
        assertEquals(Duration.ofMillis(1300).dividedBy(3), derived.registryTimeout(), "the blocking bound shared among the URLs");
        assertEquals(Duration.ofSeconds(5), new ConfigLoader().load().registryTimeout(), "at most 5 s");
    }

    @Test
    void httpHandlerNeedsAUrl() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new ConfigLoader().set("pipeline.handler.type", "http").load());
        assertTrue(e.getMessage().startsWith("pipeline.handler.type=http needs pipeline.handler.http.url"), e.getMessage());
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertEquals(Duration.ofMillis(250), Durations.parse("x", "250ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("x", "5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("x", "2m"));
        assertEquals(Duration.ofSeconds(1), Durations.parse("x", "PT1S"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("pipeline.handler.timeout", "soon"));
        assertEquals("pipeline.handler.timeout must be a duration such as 250ms, 5s, 2m or PT1S, was 'soon'", e.getMessage());
    }

    @Test
    void kafkaSettingsComeFromTheEnvironmentToo() {
        ConfigLoader loader = new ConfigLoader().environment(Map.of("PIPELINE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "PIPELINE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "PIPELINE_WINDOW_CAPACITY", "7"));
        PipelineConfig config = loader.load();
        assertEquals("SCRAM-SHA-512", config.streamsProperties().getProperty("sasl.mechanism"));
        assertEquals("SASL_SSL", config.streamsProperties().getProperty("security.protocol"));
        assertEquals(7, config.window().capacity());
        assertEquals("environment PIPELINE_KAFKA_SASL_MECHANISM", loader.sourceOf("kafka.sasl.mechanism"));
        assertEquals("kafka.ssl.truststore.location", ConfigLoader.kafkaNameOf("PIPELINE_KAFKA_SSL_TRUSTSTORE_LOCATION"));
    }

    @Test
    void aValueCanReferenceAFileAndStaysAReferenceWhenPassedOn(@TempDir Path dir) throws IOException {
        Path secrets = Files.writeString(dir.resolve("kafka.properties"), "jaas=the-jaas-line\n");
        ConfigLoader loader = new ConfigLoader().set("kafka.sasl.jaas.config", "${file:" + secrets + ":jaas}");
        assertEquals("the-jaas-line", loader.load().streamsProperties().getProperty("sasl.jaas.config"));
        assertEquals("${file:" + secrets + ":jaas}", loader.effectiveValues().get("kafka.sasl.jaas.config"));
    }

    @Test
    void unknownKafkaNamesAreFoundWithTheirClosestKnownName() {
        assertEquals("commit.interval.ms", KafkaNames.unknownClosestTo("comit.interval.ms"));
        assertEquals("producer.linger.ms", KafkaNames.unknownClosestTo("producer.lingr.ms"));
        assertEquals(null, KafkaNames.unknownClosestTo("main.consumer.fetch.max.wait.ms"));
        assertEquals(null, KafkaNames.unknownClosestTo("sasl.jaas.config"));
        assertEquals(null, KafkaNames.unknownClosestTo("topic.min.insync.replicas"));
    }

    @Test
    void replicationFactorIsTheBrokersDefaultUnlessSetAndNeverZero() {
        assertEquals(-1, new ConfigLoader().load().topics().replicationFactor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.topics.replication-factor", "0").load());
        assertEquals("pipeline.topics.replication-factor must be >= 1, or -1 for the broker's default, was 0", e.getMessage());
    }

    @Test
    void registryClientSettingsPassToEverySerdeUnderConfluentsNames() {
        ConfigLoader loader = new ConfigLoader().environment(Map.of(
                "PIPELINE_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/etc/pipeline/registry-ca.p12",
                "PIPELINE_SCHEMA_REGISTRY_URL", "https://registry.example/apis/ccompat/v7"))
                .set("basic.auth.credentials.source", "USER_INFO").set("basic.auth.user.info", "svc:pw");
        PipelineConfig config = loader.load();
        Map<String, Object> serde = config.kafka().clients().serde(config.kafka().schemaRegistryUrl(), Map.of());
        assertEquals("/etc/pipeline/registry-ca.p12", serde.get("schema.registry.ssl.truststore.location"));
        assertEquals("USER_INFO", serde.get("basic.auth.credentials.source"));
        assertEquals("svc:pw", serde.get("basic.auth.user.info"));
        assertEquals("https://registry.example/apis/ccompat/v7", serde.get("schema.registry.url"));
        assertEquals(null, serde.get("schema.registry.url.x"));
    }
}
