package io.backpressure.pipeline.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Handlers by name: built-ins, plug-ins found through ServiceLoader with their own settings, class names. */
class HandlersTest {

    @Test
    void aPlugInIsFoundByItsNameAndGetsItsOwnSettingsUnchecked() throws Exception {
        PipelineConfig config = new ConfigLoader().set("pipeline.handler.type", "echo").set("pipeline.handler.echo.greeting", "hej")
                .load();
        Outcome<byte[]> outcome = Handlers.create(config).handle(null, 1).toCompletableFuture().get();
        assertArrayEquals("hej".getBytes(StandardCharsets.UTF_8), outcome instanceof Outcome.Success<byte[]> success ? success.value() : null);
    }

    @Test
    void anUnknownTypeNamesThePlugInsFound() {
        PipelineConfig config = new ConfigLoader().set("pipeline.handler.type", "ehco").load();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Handlers.create(config));
        assertTrue(e.getMessage().contains("(found: echo)") && e.getMessage().contains("was ehco"), e.getMessage());
    }

    @Test
    void aBuiltInHandlersSettingsAreStillCheckedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigLoader().set("pipeline.handler.simulated.latncy", "5ms"));
        assertTrue(e.getMessage().startsWith("unknown setting pipeline.handler.simulated.latncy"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConfigLoader().set("pipeline.handler.greeting", "x"));
    }
}
