package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.engine.Encoder;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.Pooling;
import dev.javelin.tokenizers.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The new architectures' fixtures (javelin-models' test resources) loaded as a user's Hugging Face
 * directory through the engine: their tokenizer.json, their sentence-transformers pooling, texts in
 * and sentence vectors out, equal to ONNX Runtime on the torch.onnx export fed the same token ids.
 */
class ArchitecturesThroughTheEngineTest {
    private static final List<String> TEXTS = List.of("hello world", "the quick brown fox jumps over the lazy dog again and again",
            "a", "this is a test of a rather longer text that runs on past the local attention window of eight tokens");

    static Path fixture(String name) {
        Path dir = Path.of("").toAbsolutePath();
        for (; dir != null; dir = dir.getParent()) {
            Path f = dir.resolve("javelin-models/src/test/resources/architectures/" + name);
            if (Files.isDirectory(f)) return f;
        }
        throw new IllegalStateException("javelin-models/src/test/resources/architectures not found above the working directory");
    }

    @ParameterizedTest
    @CsvSource({"mpnet,MEAN,mpnet", "gte,CLS,new", "nomic-bert,MEAN,nomic_bert", "modernbert,MEAN,modernbert", "qwen3,LAST_TOKEN,qwen3",
            "distilbert,MEAN,distilbert", "roberta,MEAN,roberta"})
    void embedsTextsAsOnnxRuntimeDoes(String name, Pooling pooling, String modelType) throws Exception {
        Path dir = fixture(name);
        try (Encoder encoder = Encoder.load(dir, name);
             OrtReference ort = new OrtReference(Files.readAllBytes(dir.resolve("model.onnx")))) {
            ModelInfo info = encoder.info();
            assertThat(info.modelType()).isEqualTo(modelType);
            assertThat(info.pooling()).isEqualTo(pooling);
            assertThat(info.kind()).isEqualTo(ModelInfo.Kind.EMBEDDING);
            List<Encoding> batch = encoder.tokenizer().encodeBatch(TEXTS);
            for (Encoding e : batch) assertThat(e.ids()).as("token ids of a text").isNotEmpty();
            float[][] vectors = encoder.embed(batch);
            float[][][] hidden = ort.run(batch, "last_hidden_state");
            for (int s = 0; s < TEXTS.size(); s++) {
                int n = batch.get(s).length();
                float[] want = new float[info.hiddenSize()];
                for (int t = 0; t < n; t++) {
                    int row = pooling == Pooling.CLS ? 0 : pooling == Pooling.LAST_TOKEN ? n - 1 : t;
                    float w = pooling == Pooling.MEAN ? 1f / n : (t == 0 ? 1f : 0f);
                    for (int i = 0; i < want.length; i++) want[i] += w * hidden[s][row][i];
                }
                assertThat(cosine(vectors[s], want)).as(name + " text " + s).isGreaterThanOrEqualTo(0.99999);
            }
        }
    }

    /**
     * The heads' fixtures (checked against PyTorch in javelin-models' HeadParityTest) through the
     * engine: one label makes a re-ranker, more a classifier, and a packed batch of texts scores as
     * each text alone.
     */
    @ParameterizedTest
    @CsvSource({"mpnet-classifier,CLASSIFIER", "gte-classifier,RERANKER", "modernbert-classifier-mean,CLASSIFIER",
            "modernbert-classifier-cls,RERANKER"})
    void classifiesAndReranksTexts(String name, ModelInfo.Kind kind) throws Exception {
        try (Encoder encoder = Encoder.load(fixture(name), name)) {
            assertThat(encoder.info().kind()).isEqualTo(kind);
            List<Encoding> batch = new java.util.ArrayList<>(encoder.tokenizer().encodeBatch(TEXTS));
            batch.add(encoder.tokenizer().encode("what is a fox", "the quick brown fox"));
            float[][] together = encoder.predict(batch);
            for (int s = 0; s < batch.size(); s++) {
                float[] alone = encoder.predict(List.of(batch.get(s)))[0];
                assertThat(together[s]).as(name + " text " + s).containsExactly(alone, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
