package dev.javelin.pipelines;

import dev.javelin.engine.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tokenizers.Encoding;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architectures no real checkpoint is reachable for, checked against ONNX Runtime on graphs
 * built from the same fixed-seed weights: a DistilBERT encoder with its classification head, and
 * BertForSequenceClassification (pooler + classifier) over the real all-MiniLM-L6-v2 encoder, with
 * three labels and as a one-output cross-encoder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyntheticModelParityTest {
    private Path minilmDir;
    private byte[] minilmOnnx;
    private Path work;

    @BeforeAll
    void convertOnce(@TempDir Path tmp) throws Exception {
        work = tmp;
        minilmDir = BundledModel.ALL_MINILM_L6_V2.directory(tmp);
        try (InputStream in = BundledModel.ALL_MINILM_L6_V2.open(BundledModel.ALL_MINILM_L6_V2.onnxResource())) {
            minilmOnnx = in.readAllBytes();
        }
    }

    private List<Encoding> batch(Encoder encoder) {
        List<Encoding> b = new ArrayList<>();
        for (String t : List.of("This product is amazing!", "Terrible quality, waste of money.", "It's okay, nothing special.",
                "Short", "A considerably longer review that goes on about delivery times, packaging, the colour, and more.")) {
            b.add(encoder.tokenizer().encode(t));
        }
        b.add(encoder.tokenizer().encode("Is it waterproof?", "The case is rated IP68 for dust and water."));
        return b;
    }

    @Test
    void distilBertEncoderAndClassifier() throws Exception {
        SyntheticModels.Pair m = SyntheticModels.distilBert(work.resolve("distilbert"), minilmDir.resolve("tokenizer.json"), 3, 20251122L);
        try (Encoder encoder = Encoder.load(m.directory(), "synthetic-distilbert");
             OrtReference ort = new OrtReference(m.onnx().toByteArray())) {
            assertThat(encoder.info().kind()).isEqualTo(ModelInfo.Kind.CLASSIFIER);
            assertThat(encoder.info().modelType()).isEqualTo("distilbert");
            List<Encoding> batch = batch(encoder);
            compareHidden("synthetic DistilBERT", encoder, ort, batch);
            compareLogits("synthetic DistilBertForSequenceClassification", encoder, ort, batch);
        }
    }

    @Test
    void bertClassifierOverARealEncoder() throws Exception {
        SyntheticModels.Pair m = SyntheticModels.bertClassifier(minilmDir, dev.javelin.onnx.proto.Onnx.ModelProto.parseFrom(minilmOnnx),
                work.resolve("bert-cls"), 3, 7L);
        try (Encoder encoder = Encoder.load(m.directory(), "minilm-classifier");
             OrtReference ort = new OrtReference(m.onnx().toByteArray())) {
            assertThat(encoder.info().kind()).isEqualTo(ModelInfo.Kind.CLASSIFIER);
            List<Encoding> batch = batch(encoder);
            compareHidden("BertForSequenceClassification encoder (all-MiniLM-L6-v2)", encoder, ort, batch);
            float[][] ref = compareLogits("BertForSequenceClassification (all-MiniLM-L6-v2 + head)", encoder, ort, batch);

            // The pipeline: softmax over the three labels by default, best first, names from id2label.
            try (TextClassificationPipeline p = Pipelines.textClassification(m.directory().toString())) {
                List<List<Label>> top = p.classify(List.of("This product is amazing!"), 0, null);
                float[] expected = ScoreFunction.SOFTMAX.apply(ref[0]);
                assertThat(top.getFirst()).hasSize(3).isSortedAccordingTo(Comparator.comparingDouble(Label::score).reversed());
                for (Label l : top.getFirst()) {
                    int id = List.of("NEGATIVE", "POSITIVE", "NEUTRAL").indexOf(l.label());
                    assertThat((double) l.score()).isCloseTo(expected[id], org.assertj.core.data.Offset.offset(1e-5));
                }
                assertThat(p.classify(List.of("a", "b"), 1, ScoreFunction.SIGMOID)).allSatisfy(ls -> assertThat(ls).hasSize(1));
            }
        }
    }

    @Test
    void crossEncoderReranksLikeTheReference() throws Exception {
        SyntheticModels.Pair m = SyntheticModels.bertClassifier(minilmDir, dev.javelin.onnx.proto.Onnx.ModelProto.parseFrom(minilmOnnx),
                work.resolve("cross-encoder"), 1, 11L);
        try (RerankPipeline rerank = Pipelines.rerank(m.directory().toString());
             OrtReference ort = new OrtReference(m.onnx().toByteArray())) {
            assertThat(rerank.info().kind()).isEqualTo(ModelInfo.Kind.RERANKER);
            String query = "how do rockets reach orbit";
            List<String> texts = List.of("Rockets burn fuel to accelerate sideways fast enough to keep falling around Earth.",
                    "Bread rises because yeast produces carbon dioxide.", "Orbit", "Launch windows depend on the target orbit.");
            List<Encoding> pairs = texts.stream().map(t -> rerank.engine().encode(Input.of(query, t), Truncate.RIGHT)).toList();
            float[][] logits = flatten(ort.run(pairs, "logits"));
            float[] scores = new float[texts.size()];
            for (Rank r : rerank.rerank(query, texts)) scores[r.index()] = r.score();
            for (int i = 0; i < texts.size(); i++) {
                double expected = 1 / (1 + Math.exp(-logits[i][0]));
                assertThat((double) scores[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
            List<Rank> ranks = rerank.rerank(query, texts);
            assertThat(ranks).extracting(Rank::index).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(ranks).isSortedAccordingTo(Comparator.comparingDouble(Rank::score).reversed());
        }
    }

    @Test
    void robertaClassifierOverARealEncoder() throws Exception {
        SyntheticModels.Pair m = SyntheticModels.robertaClassifier(minilmDir, dev.javelin.onnx.proto.Onnx.ModelProto.parseFrom(minilmOnnx),
                work.resolve("roberta-cls"), 2, 5L);
        try (Encoder encoder = Encoder.load(m.directory(), "minilm-as-roberta");
             OrtReference ort = new OrtReference(m.onnx().toByteArray())) {
            assertThat(encoder.info().modelType()).isEqualTo("roberta");
            assertThat(encoder.info().maxInputLength()).as("514 positions from offset 2").isEqualTo(512);
            List<Encoding> batch = batch(encoder);
            compareHidden("RoBERTa naming and positions (all-MiniLM-L6-v2 weights)", encoder, ort, batch);
            compareLogits("RobertaForSequenceClassification (all-MiniLM-L6-v2 + head)", encoder, ort, batch);
        }
    }

    @Test
    void unsupportedModelTypeIsAClearError() throws Exception {
        Path dir = work.resolve("gpt2");
        Files.createDirectories(dir);
        Files.copy(minilmDir.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.copy(minilmDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("config.json"), Files.readString(minilmDir.resolve("config.json"))
                .replace("\"model_type\" : \"bert\"", "\"model_type\" : \"gpt2\""));
        assertThatThrownBy(() -> Encoder.load(dir, "fake-gpt2"))
                .hasMessageContaining("model_type").hasMessageContaining("gpt2").hasMessageContaining("bert, roberta");
    }

    private static float[][] flatten(float[][][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) out[i] = x[i][0];
        return out;
    }

    private static void compareHidden(String what, Encoder encoder, OrtReference ort, List<Encoding> batch) throws Exception {
        float[][][] ref = ort.run(batch, "last_hidden_state");
        float[][][] hidden = encoder.embedAll(batch);
        double maxAbs = 0;
        for (int s = 0; s < batch.size(); s++) {
            for (int t = 0; t < batch.get(s).length(); t++) maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(hidden[s][t], ref[s][t]));
        }
        Parity.log(what + " hidden", maxAbs, Double.NaN);
        assertThat(maxAbs).isLessThanOrEqualTo(RealModelParityTest.MAX_ABS);
    }

    private static float[][] compareLogits(String what, Encoder encoder, OrtReference ort, List<Encoding> batch) throws Exception {
        float[][] ref = flatten(ort.run(batch, "logits"));
        float[][] logits = encoder.predict(batch);
        double maxAbs = 0, minCos = 1;
        for (int s = 0; s < batch.size(); s++) {
            maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(logits[s], ref[s]));
            minCos = Math.min(minCos, Parity.cosine(logits[s], ref[s]));
        }
        Parity.log(what + " logits", maxAbs, minCos);
        assertThat(maxAbs).isLessThanOrEqualTo(RealModelParityTest.MAX_ABS);
        return ref;
    }
}
