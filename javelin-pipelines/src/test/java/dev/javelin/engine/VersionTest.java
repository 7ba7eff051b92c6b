package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void theVersionIsThePomsFilteredIn() {
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?").doesNotContain("${");
    }
}
