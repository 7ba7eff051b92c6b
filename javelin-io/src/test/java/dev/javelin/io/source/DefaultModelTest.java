package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class DefaultModelTest {
    @Test
    void withoutTheArtifactTheErrorNamesIt() {
        // javelin-io's tests never have javelin-default-model on their class path.
        assertThatThrownBy(DefaultModel::find).isInstanceOf(IOException.class)
                .hasMessageContaining("dev.javelin:javelin-default-model");
    }
}
