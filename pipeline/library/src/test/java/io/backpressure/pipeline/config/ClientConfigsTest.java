package io.backpressure.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** One configuration for every client: common settings reach each kind that knows them, prefixed ones one kind only. */
class ClientConfigsTest {
    private final ClientConfigs clients = new ConfigLoader()
            .set("pipeline.bootstrap-servers", "broker:9093")
            .set("kafka.security.protocol", "SASL_SSL")
            .set("kafka.sasl.mechanism", "SCRAM-SHA-512")
            .set("kafka.commit.interval.ms", "1000")
            .set("kafka.producer.linger.ms", "50")
            .set("kafka.consumer.max.poll.records", "10")
            .set("kafka.admin.request.timeout.ms", "7000")
            .load().kafka().clients();

    @Test
    void securitySettingsAndTheAddressReachEveryKindOfClient() {
        for (Map<String, Object> kind : new Map[] {clients.admin(), clients.producer(), clients.consumer()}) {
            assertEquals("broker:9093", kind.get("bootstrap.servers"));
            assertEquals("SASL_SSL", kind.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", kind.get("sasl.mechanism"));
            assertFalse(kind.containsKey("commit.interval.ms"), "a Streams-only setting reaches no plain client");
        }
    }

    @Test
    void aPrefixedSettingReachesItsKindOnly() {
        assertEquals("50", clients.producer().get("linger.ms"));
        assertFalse(clients.consumer().containsKey("linger.ms"));
        assertEquals("10", clients.consumer().get("max.poll.records"));
        assertFalse(clients.producer().containsKey("max.poll.records"));
        assertEquals("7000", clients.admin().get("request.timeout.ms"));
        assertFalse(clients.producer().containsKey("request.timeout.ms"));
    }

    @Test
    void theCallersOwnSettingsWin() {
        assertEquals("all", clients.producer(Map.of("acks", "all")).get("acks"));
        assertEquals("1", clients.producer(Map.of("linger.ms", "1")).get("linger.ms"));
    }
}
