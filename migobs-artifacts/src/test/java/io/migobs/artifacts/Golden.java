package io.migobs.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares a rendered document with its golden file in src/test/resources/golden. Regenerate with
 * {@code -Dmigobs.regenerateGoldens=true} (or env MIGOBS_REGENERATE_GOLDENS=true), then read the diff by eye.
 */
final class Golden {
    private Golden() {
    }

    static boolean regenerate() {
        return Boolean.getBoolean("migobs.regenerateGoldens")
                || "true".equalsIgnoreCase(System.getenv("MIGOBS_REGENERATE_GOLDENS"));
    }

    static void assertMatches(String name, String actual) throws IOException {
        if (regenerate()) {
            Path p = Path.of("src/test/resources/golden").resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual, StandardCharsets.UTF_8);
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file golden/%s is missing: run with -Dmigobs.regenerateGoldens=true", name)
                    .isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(actual).as("%s differs from its golden file (regenerate with -Dmigobs.regenerateGoldens=true"
                    + " and review the diff)", name).isEqualTo(expected);
        }
    }
}
