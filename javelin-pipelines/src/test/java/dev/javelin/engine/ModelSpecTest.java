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
        assertThat(ModelSpec.builder().head(Head.NONE).build().head()).isEqualTo(Head.NONE);
        assertThat(ModelSpec.DEFAULT.head()).isEqualTo(Head.AUTO);
        assertThatThrownBy(() -> ModelSpec.builder().head(null).build()).hasMessageContaining("head is null");
    }

    @Test
    void headsParseByTheirFlagNames() {
        assertThat(Head.parse("cross-encoder")).isEqualTo(Head.CROSS_ENCODER);
        assertThat(Head.parse(" None ")).isEqualTo(Head.NONE);
        assertThatThrownBy(() -> Head.parse("pooler")).hasMessage(
                "unknown head 'pooler'; expected auto, classifier, cross-encoder, javelin or none");
    }
}
