package dev.javelin.io.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published config.json of each newer architecture (copied into test resources) parses into
 * its record with the model's real hyper-parameters.
 */
class HubArchitectureConfigTest {

    @Test
    void allMpnetBaseV2() throws IOException {
        MPNetConfig c = (MPNetConfig) ModelConfig.load(ModelConfigTest.model("all-mpnet-base-v2"));
        assertThat(c.dims().hiddenSize()).isEqualTo(768);
        assertThat(c.dims().numLayers()).isEqualTo(12);
        assertThat(c.dims().numHeads()).isEqualTo(12);
        assertThat(c.dims().vocabSize()).isEqualTo(30527);
        assertThat(c.dims().maxPositions()).isEqualTo(514);
        assertThat(c.relativeAttentionNumBuckets()).isEqualTo(32);
        assertThat(c.dims().normEps()).isEqualTo(1e-5);
    }

    @Test
    void gteBaseEnV15() throws IOException {
        GteConfig c = (GteConfig) ModelConfig.load(ModelConfigTest.model("gte-base-en-v1.5"));
        assertThat(c.modelType()).isEqualTo("new");
        assertThat(c.dims().hiddenSize()).isEqualTo(768);
        assertThat(c.dims().intermediateSize()).isEqualTo(3072);
        assertThat(c.typeVocabSize()).isZero();
        assertThat(c.ropeTheta()).isEqualTo(500000);
        assertThat(c.ntkFactor()).isEqualTo(2.0);
        assertThat(c.dims().maxPositions()).isEqualTo(8192);
    }

    @Test
    void nomicEmbedTextV15() throws IOException {
        NomicBertConfig c = (NomicBertConfig) ModelConfig.load(ModelConfigTest.model("nomic-embed-text-v1.5"));
        assertThat(c.dims().hiddenSize()).isEqualTo(768);
        assertThat(c.dims().numLayers()).isEqualTo(12);
        assertThat(c.dims().intermediateSize()).isEqualTo(3072);
        assertThat(c.rotaryEmbBase()).isEqualTo(1000);
        assertThat(c.qkvProjBias()).isFalse();
        assertThat(c.mlpFc1Bias()).isFalse();
        assertThat(c.dims().maxPositions()).isEqualTo(8192);
    }

    @Test
    void modernBertBase() throws IOException {
        ModernBertConfig c = (ModernBertConfig) ModelConfig.load(ModelConfigTest.model("ModernBERT-base"));
        assertThat(c.dims().numLayers()).isEqualTo(22);
        assertThat(c.dims().intermediateSize()).isEqualTo(1152);
        assertThat(c.localAttention()).isEqualTo(128);
        assertThat(c.globalRopeTheta()).isEqualTo(160000);
        assertThat(c.localRopeTheta()).isEqualTo(10000);
        assertThat(c.normBias()).isFalse();
        assertThat(c.attentionBias()).isFalse();
        // layers 0, 3, 6, … are global
        assertThat(c.globalLayers()).hasSize(22);
        for (int i = 0; i < 22; i++) assertThat(c.globalLayers().get(i)).as("layer " + i).isEqualTo(i % 3 == 0);
    }

    @Test
    void modernBertLayerTypesAndRopeParametersOfNewerTransformers(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, """
                {"model_type": "modernbert", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 3,
                 "num_attention_heads": 4, "intermediate_size": 96,
                 "layer_types": ["full_attention", "sliding_attention", "sliding_attention"],
                 "rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 160000.0},
                                     "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}}}""");
        ModernBertConfig c = (ModernBertConfig) ModelConfig.load(f);
        assertThat(c.globalLayers()).containsExactly(true, false, false);
        assertThat(c.globalRopeTheta()).isEqualTo(160000);
        assertThat(c.localRopeTheta()).isEqualTo(10000);
    }

    @Test
    void qwen3Embedding06B() throws IOException {
        Qwen3Config c = (Qwen3Config) ModelConfig.load(ModelConfigTest.model("Qwen3-Embedding-0.6B"));
        assertThat(c.hiddenSize()).isEqualTo(1024);
        assertThat(c.numHiddenLayers()).isEqualTo(28);
        assertThat(c.numAttentionHeads()).isEqualTo(16);
        assertThat(c.numKeyValueHeads()).isEqualTo(8);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.intermediateSize()).isEqualTo(3072);
        assertThat(c.ropeTheta()).isEqualTo(1000000);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.vocabSize()).isEqualTo(151669);
    }

    @Test
    void unsupportedVariantsAreNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, """
                {"model_type": "new", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 16, "max_position_embeddings": 64, "rope_scaling": {"type": "ntk", "factor": 2, "mixed_b": 0.5}}""");
        assertThatThrownBy(() -> ModelConfig.load(f)).isInstanceOf(ConfigException.class).hasMessageContaining("rope_scaling");
        Files.writeString(f, """
                {"model_type": "qwen3", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4,
                 "num_key_value_heads": 3, "intermediate_size": 16}""");
        assertThatThrownBy(() -> ModelConfig.load(f)).isInstanceOf(ConfigException.class).hasMessageContaining("num_key_value_heads");
        Files.writeString(f, """
                {"model_type": "nomic_bert", "vocab_size": 10, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_inner": 16,
                 "activation_function": "gelu"}""");
        assertThatThrownBy(() -> ModelConfig.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("activation_function").hasMessageContaining("\"gelu\" is not supported; only \"swiglu\"");
        Files.writeString(f, """
                {"model_type": "modernbert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 16}""");
        assertThat(((ModernBertConfig) ModelConfig.load(f)).dims().maxPositions()).isEqualTo(8192);
        Files.writeString(f, """
                {"model_type": "mpnet", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 16}""");
        assertThatThrownBy(() -> ModelConfig.load(f)).isInstanceOf(ConfigException.class).hasMessageContaining("max_position_embeddings");
    }
}
