package io.backpressure.pipeline.produce;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.TestStack;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Producing to a topic that does not exist fails at once with the fix, instead of after a minute of metadata waits. */
class ProduceToMissingTopicIT {

    @Test
    void missingInputTopicIsAClearOneLineError() {
        TestStack stack = TestStack.get();
        String topic = "missing-" + UUID.randomUUID();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new RequestProducer(stack.bootstrapServers(),
                stack.registryUrl(), topic, Clock.systemUTC()).produce(new ProduceSpec(10, 0, 1, 10, null, "m"), n -> { }));
        assertTrue(e.getMessage().startsWith("topic " + topic + " does not exist"), e.getMessage());
    }
}
