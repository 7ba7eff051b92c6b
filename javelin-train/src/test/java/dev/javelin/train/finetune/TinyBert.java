package dev.javelin.train.finetune;

import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A tiny random BERT classification checkpoint on disk, for gradient checks and training tests. */
final class TinyBert {
    static final int VOCAB = 23, HIDDEN = 8, HEADS = 2, INNER = 16, LAYERS = 2, POSITIONS = 16, LABELS = 3;

    private TinyBert() {}

    /** Writes config.json and model.safetensors (under "bert.", with pooler and classifier) into dir. */
    static Path write(Path dir, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        Arena arena = Arena.ofAuto();
        put(t, arena, r, "bert.embeddings.word_embeddings.weight", 0.5, VOCAB, HIDDEN);
        put(t, arena, r, "bert.embeddings.position_embeddings.weight", 0.5, POSITIONS, HIDDEN);
        put(t, arena, r, "bert.embeddings.token_type_embeddings.weight", 0.5, 2, HIDDEN);
        norm(t, arena, r, "bert.embeddings.LayerNorm");
        for (int i = 0; i < LAYERS; i++) {
            String p = "bert.encoder.layer." + i + ".";
            linear(t, arena, r, p + "attention.self.query", HIDDEN, HIDDEN);
            linear(t, arena, r, p + "attention.self.key", HIDDEN, HIDDEN);
            linear(t, arena, r, p + "attention.self.value", HIDDEN, HIDDEN);
            linear(t, arena, r, p + "attention.output.dense", HIDDEN, HIDDEN);
            norm(t, arena, r, p + "attention.output.LayerNorm");
            linear(t, arena, r, p + "intermediate.dense", INNER, HIDDEN);
            linear(t, arena, r, p + "output.dense", HIDDEN, INNER);
            norm(t, arena, r, p + "output.LayerNorm");
        }
        linear(t, arena, r, "bert.pooler.dense", HIDDEN, HIDDEN);
        linear(t, arena, r, "classifier", LABELS, HIDDEN);
        Files.createDirectories(dir);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": %d, "hidden_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "intermediate_size": %d, "hidden_act": "gelu",
                 "max_position_embeddings": %d, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
                 "id2label": {"0": "A", "1": "B", "2": "C"}}
                """.formatted(VOCAB, HIDDEN, LAYERS, HEADS, INNER, POSITIONS));
        return dir;
    }

    private static void linear(Map<String, Tensor> t, Arena a, SplittableRandom r, String name, int out, int in) {
        put(t, a, r, name + ".weight", 1 / Math.sqrt(in), out, in);
        put(t, a, r, name + ".bias", 0.1, out);
    }

    private static void norm(Map<String, Tensor> t, Arena a, SplittableRandom r, String name) {
        float[] g = new float[HIDDEN];
        for (int i = 0; i < HIDDEN; i++) g[i] = (float) (1 + 0.2 * r.nextGaussian());
        t.put(name + ".weight", Tensor.of(a, g, HIDDEN));
        put(t, a, r, name + ".bias", 0.1, HIDDEN);
    }

    private static void put(Map<String, Tensor> t, Arena a, SplittableRandom r, String name, double std, int... shape) {
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
        t.put(name, Tensor.of(a, v, shape));
    }
}
