package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.models.WeightDType;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    @Test
    void theBuilderNamesWhatThePositionalFormLeavesNull() {
        assertThat(ModelSpec.builder().build()).isEqualTo(ModelSpec.DEFAULT);
        assertThat(ModelSpec.builder().model("BAAI/bge-small-en-v1.5").pooling(Pooling.CLS).normalize(false)
                .dtype(WeightDType.INT8).build())
                .isEqualTo(new ModelSpec("BAAI/bge-small-en-v1.5", Pooling.CLS, false, WeightDType.INT8));
        assertThatThrownBy(() -> ModelSpec.builder().dtype(null).build()).hasMessageContaining("dtype is null");
    }
}
