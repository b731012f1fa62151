package io.backpressure.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is documentation users rely on: every setting must appear with its real default. */
class ReadmeConfigTableTest {

    @Test
    void everySettingIsDocumentedWithItsDefaultAndEnvironmentName() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"));
        for (Setting s : Setting.ALL) {
            String defaultCell = s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "` ";
            String row = "| `" + s.name() + "` | " + defaultCell + "| `" + s.envName() + "` |";
            assertTrue(readme.contains(row), "README lacks the row starting: " + row);
        }
    }
}
