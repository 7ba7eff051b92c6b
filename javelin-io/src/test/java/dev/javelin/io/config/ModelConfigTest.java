package dev.javelin.io.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigTest {

    @TempDir Path dir;

    static Path model(String name) {
        try {
            return Path.of(ModelConfigTest.class.getResource("/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void bertBaseUncased() throws IOException {
        BertConfig c = (BertConfig) ModelConfig.load(model("bert-base-uncased").resolve("config.json"));
        assertThat(c).isEqualTo(new BertConfig("bert", 30522, 768, 12, 12, 3072, "gelu", 512, 2, 1e-12, 0, Map.of(), null));
        assertThat(c.robertaPositions()).isFalse();
        assertThat(c.headSize()).isEqualTo(64);
    }

    @Test
    void xlmRobertaKeysAndDefaults() throws IOException {
        BertConfig c = (BertConfig) ModelConfig.load(model("xlm-roberta-base"));
        assertThat(c.modelType()).isEqualTo("xlm-roberta");
        assertThat(c.padTokenId()).isEqualTo(1);
        assertThat(c.layerNormEps()).isEqualTo(1e-5);
        assertThat(c.typeVocabSize()).isEqualTo(1);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(514);
        assertThat(c.robertaPositions()).isTrue();
    }

    @Test
    void robertaDefaultsPadTokenToOne() throws IOException {
        ModelConfig c = ModelConfig.load(config("""
                {"model_type": "roberta", "vocab_size": 50265, "hidden_size": 768, "num_hidden_layers": 12,
                 "num_attention_heads": 12, "intermediate_size": 3072, "max_position_embeddings": 514}"""));
        assertThat(((BertConfig) c).padTokenId()).isEqualTo(1);
        assertThat(((BertConfig) c).hiddenAct()).isEqualTo("gelu");
    }

    @Test
    void distilBertClassifierWithLabels() throws IOException {
        DistilBertConfig c = (DistilBertConfig) ModelConfig.load(model("distilbert-sst2"));
        assertThat(c.modelType()).isEqualTo("distilbert");
        assertThat(c.dim()).isEqualTo(768);
        assertThat(c.nLayers()).isEqualTo(6);
        assertThat(c.nHeads()).isEqualTo(12);
        assertThat(c.hiddenDim()).isEqualTo(3072);
        assertThat(c.activation()).isEqualTo("gelu");
        assertThat(c.id2label()).containsExactly(Map.entry(0, "NEGATIVE"), Map.entry(1, "POSITIVE"));
        assertThat(c.label2id()).containsEntry("POSITIVE", 1);
        assertThat(c.sinusoidalPosEmbds()).isFalse();
    }

    @Test
    void crossEncoderSingleLabelAndProblemType() throws IOException {
        BertConfig c = (BertConfig) ModelConfig.load(model("bge-small-en-v1.5"));
        assertThat(c.id2label()).containsExactly(Map.entry(0, "LABEL_0"));
        ModelConfig reg = ModelConfig.load(config("""
                {"model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 32,
                 "num_labels": 3, "problem_type": "multi_label_classification"}"""));
        assertThat(reg.id2label()).containsExactly(Map.entry(0, "LABEL_0"), Map.entry(1, "LABEL_1"), Map.entry(2, "LABEL_2"));
        assertThat(reg.problemType()).isEqualTo("multi_label_classification");
    }

    @Test
    void toJsonLoadsBackEqual() throws IOException {
        for (String name : new String[] {"bert-base-uncased", "xlm-roberta-base", "distilbert-sst2", "bge-small-en-v1.5"}) {
            ModelConfig original = ModelConfig.load(model(name));
            assertThat(ModelConfig.load(config(original.toJson()))).as(name).isEqualTo(original);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing hidden_size      | {"model_type":"bert","vocab_size":1,"num_hidden_layers":1,"num_attention_heads":1,"intermediate_size":1,"max_position_embeddings":1} | hidden_size | missing
            hidden_size as string    | {"model_type":"bert","vocab_size":1,"hidden_size":"768","num_hidden_layers":1,"num_attention_heads":1,"intermediate_size":1,"max_position_embeddings":1} | hidden_size | expected an integer
            zero layers              | {"model_type":"bert","vocab_size":1,"hidden_size":4,"num_hidden_layers":0,"num_attention_heads":1,"intermediate_size":1,"max_position_embeddings":1} | num_hidden_layers | at least 1
            heads do not divide      | {"model_type":"bert","vocab_size":1,"hidden_size":10,"num_hidden_layers":1,"num_attention_heads":3,"intermediate_size":1,"max_position_embeddings":1} | num_attention_heads | do not divide
            unknown model_type       | {"model_type":"gpt2"} | model_type | supports bert, roberta, xlm-roberta, camembert, distilbert
            missing model_type       | {"hidden_size":768} | model_type | missing
            missing distilbert dim   | {"model_type":"distilbert","vocab_size":1,"n_layers":1,"n_heads":1,"hidden_dim":1,"max_position_embeddings":1} | dim | missing
            id2label gap             | {"model_type":"distilbert","vocab_size":1,"dim":4,"n_layers":1,"n_heads":1,"hidden_dim":1,"max_position_embeddings":1,"id2label":{"0":"a","2":"b"}} | id2label | ids must be 0..1
            id2label non-integer id  | {"model_type":"distilbert","vocab_size":1,"dim":4,"n_layers":1,"n_heads":1,"hidden_dim":1,"max_position_embeddings":1,"id2label":{"x":"a"}} | id2label | not an integer id
            num_labels disagrees     | {"model_type":"distilbert","vocab_size":1,"dim":4,"n_layers":1,"n_heads":1,"hidden_dim":1,"max_position_embeddings":1,"id2label":{"0":"a"},"num_labels":2} | num_labels | disagrees
            unknown problem_type     | {"model_type":"distilbert","vocab_size":1,"dim":4,"n_layers":1,"n_heads":1,"hidden_dim":1,"max_position_embeddings":1,"problem_type":"ranking"} | problem_type | unknown "ranking"
            """)
    void badKeysAreNamed(String description, String json, String key, String problem) throws IOException {
        Path file = config(json);
        assertThatThrownBy(() -> ModelConfig.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).startsWith(file + ": \"" + key + "\": ").contains(problem);
                });
    }

    @Test
    void invalidJsonAndNonObjectsNameTheFile() throws IOException {
        Path broken = config("{\"model_type\": \"bert\",");
        assertThatThrownBy(() -> ModelConfig.load(broken)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(broken + ": invalid JSON");
        Path array = config("[]");
        assertThatThrownBy(() -> ModelConfig.load(array)).isInstanceOf(ConfigException.class)
                .hasMessage(array + ": not a JSON object");
    }
}
