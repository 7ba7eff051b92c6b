package dev.javelin.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Models no checkpoint exists for here, made twice from the same fixed-seed weights: as a Hugging
 * Face directory for Javelin and as an ONNX graph for ONNX Runtime, the reference.
 */
final class SyntheticModels {
    /** A model directory for Javelin and the same model as ONNX for the reference. */
    record Pair(Path directory, ModelProto onnx) {}

    private SyntheticModels() {}

    /**
     * A small DistilBERT encoder over the real BERT vocabulary (so a real tokenizer feeds it), with a
     * sequence classification head when {@code labels > 0}. ONNX inputs: input_ids, attention_mask,
     * position_ids; outputs last_hidden_state and, with a head, logits.
     */
    static Pair distilBert(Path dir, Path tokenizerJson, int labels, long seed) throws IOException {
        int vocab = 30522, hidden = 64, heads = 4, inner = 128, layers = 2, positions = 128;
        Weights w = new Weights(new Random(seed), labels > 0 ? "distilbert." : "");
        OnnxBuilder g = new OnnxBuilder();
        g.input("input_ids", TensorProto.DataType.INT64, "batch", "seq");
        g.input("attention_mask", TensorProto.DataType.INT64, "batch", "seq");
        g.input("position_ids", TensorProto.DataType.INT64, "batch", "seq");

        String words = g.floats("word_embeddings", w.gaussian("embeddings.word_embeddings.weight", 0.5f, vocab, hidden), vocab, hidden);
        String pos = g.floats("position_embeddings", w.gaussian("embeddings.position_embeddings.weight", 0.5f, positions, hidden), positions, hidden);
        String x = g.op("Add", new String[] {g.op("Gather", new String[] {words, "input_ids"}), g.op("Gather", new String[] {pos, "position_ids"})});
        x = norm(g, w, x, "embeddings.LayerNorm", hidden);

        // (1 − mask)·lowest, broadcast over heads and queries: HF's extended attention mask.
        String maskF = g.op("Cast", new String[] {"attention_mask"}, OnnxBuilder.intAttr("to", TensorProto.DataType.FLOAT_VALUE));
        String bias = g.op("Mul", new String[] {g.op("Sub", new String[] {g.scalar(1), maskF}), g.scalar(-Float.MAX_VALUE)});
        bias = g.op("Unsqueeze", new String[] {bias, g.longs("mask_axes", new long[] {1, 2}, 2)});
        String split = g.longs("split_heads", new long[] {0, 0, heads, hidden / heads}, 4);
        String merge = g.longs("merge_heads", new long[] {0, 0, hidden}, 3);
        for (int i = 0; i < layers; i++) {
            String p = "transformer.layer." + i + ".";
            String q = heads(g, linear(g, w, x, p + "attention.q_lin", hidden, hidden), split, 0, 2, 1, 3);
            String k = heads(g, linear(g, w, x, p + "attention.k_lin", hidden, hidden), split, 0, 2, 3, 1);
            String v = heads(g, linear(g, w, x, p + "attention.v_lin", hidden, hidden), split, 0, 2, 1, 3);
            String scores = g.op("Mul", new String[] {g.op("MatMul", new String[] {q, k}), g.scalar((float) (1 / Math.sqrt(hidden / heads)))});
            String probs = g.op("Softmax", new String[] {g.op("Add", new String[] {scores, bias})}, OnnxBuilder.intAttr("axis", -1));
            String ctx = g.op("Transpose", new String[] {g.op("MatMul", new String[] {probs, v})}, OnnxBuilder.intsAttr("perm", 0, 2, 1, 3));
            ctx = g.op("Reshape", new String[] {ctx, merge});
            String h = norm(g, w, g.op("Add", new String[] {linear(g, w, ctx, p + "attention.out_lin", hidden, hidden), x}), p + "sa_layer_norm", hidden);
            String f = linear(g, w, g.gelu(linear(g, w, h, p + "ffn.lin1", hidden, inner)), p + "ffn.lin2", inner, hidden);
            x = norm(g, w, g.op("Add", new String[] {f, h}), p + "output_layer_norm", hidden);
        }
        g.op("Identity", "last_hidden_state", new String[] {x});
        g.output("last_hidden_state", "batch", "seq", String.valueOf(hidden));

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", new String[] {labels > 0 ? "DistilBertForSequenceClassification" : "DistilBertModel"});
        config.put("model_type", "distilbert");
        config.put("vocab_size", vocab);
        config.put("dim", hidden);
        config.put("n_layers", layers);
        config.put("n_heads", heads);
        config.put("hidden_dim", inner);
        config.put("activation", "gelu");
        config.put("max_position_embeddings", positions);
        config.put("pad_token_id", 0);
        if (labels > 0) {
            Weights head = w.root();
            String first = g.op("Gather", new String[] {x, g.longs("first_token", new long[] {0})}, OnnxBuilder.intAttr("axis", 1));
            String pre = g.op("Relu", new String[] {linear(g, head, first, "pre_classifier", hidden, hidden)});
            g.op("Identity", "logits", new String[] {linear(g, head, pre, "classifier", hidden, labels)});
            g.output("logits", "batch", String.valueOf(labels));
            config.put("id2label", id2label(labels));
        }
        w.write(dir, config, tokenizerJson);
        return new Pair(dir, g.model());
    }

    /**
     * BertForSequenceClassification over a real encoder: the converted checkpoint in
     * {@code encoderDir} (renamed under {@code bert.}) plus a fixed-seed pooler and classifier; the
     * reference is the original ONNX export with the same head appended (output {@code logits}).
     */
    static Pair bertClassifier(Path encoderDir, ModelProto encoderOnnx, Path dir, int labels, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = json.readValue(encoderDir.resolve("config.json").toFile(), LinkedHashMap.class);
        int hidden = (Integer) config.get("hidden_size");
        Weights w = new Weights(new Random(seed), "bert.");
        try (SafeTensors encoder = SafeTensors.open(encoderDir)) {
            for (String name : encoder.names()) w.put(name, encoder.tensor(name).toArray(), encoder.tensor(name).shape());
        }
        OnnxBuilder g = new OnnxBuilder(encoderOnnx);
        String first = g.op("Gather", new String[] {"last_hidden_state", g.longs("first_token", new long[] {0})}, OnnxBuilder.intAttr("axis", 1));
        String pooled = g.op("Tanh", new String[] {linear(g, w, first, "pooler.dense", hidden, hidden)});
        g.op("Identity", "logits", new String[] {linear(g, w.root(), pooled, "classifier", hidden, labels)});
        g.output("logits", "batch", String.valueOf(labels));
        config.put("architectures", new String[] {"BertForSequenceClassification"});
        config.put("id2label", id2label(labels));
        w.write(dir, config, encoderDir.resolve("tokenizer.json"));
        return new Pair(dir, g.model());
    }

    /**
     * RobertaForSequenceClassification over the real all-MiniLM-L6-v2 weights: renamed under
     * {@code roberta.}, with the position table moved up by padding_idx + 1 = 2 rows as RoBERTa
     * numbers positions — so it must compute exactly what the original BERT export computes — plus a
     * fixed-seed {@code classifier.dense}/{@code out_proj} head, which the reference appends to the export.
     */
    static Pair robertaClassifier(Path encoderDir, ModelProto encoderOnnx, Path dir, int labels, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = json.readValue(encoderDir.resolve("config.json").toFile(), LinkedHashMap.class);
        int hidden = (Integer) config.get("hidden_size"), positions = (Integer) config.get("max_position_embeddings");
        int padding = 1, offset = padding + 1;
        Weights w = new Weights(new Random(seed), "roberta.");
        try (SafeTensors encoder = SafeTensors.open(encoderDir)) {
            for (String name : encoder.names()) {
                float[] v = encoder.tensor(name).toArray();
                int[] shape = encoder.tensor(name).shape();
                if (name.equals("embeddings.position_embeddings.weight")) {
                    float[] shifted = new float[(positions + offset) * hidden];
                    System.arraycopy(v, 0, shifted, offset * hidden, v.length);
                    v = shifted;
                    shape = new int[] {positions + offset, hidden};
                }
                w.put(name, v, shape);
            }
        }
        OnnxBuilder g = new OnnxBuilder(encoderOnnx);
        String first = g.op("Gather", new String[] {"last_hidden_state", g.longs("first_token", new long[] {0})}, OnnxBuilder.intAttr("axis", 1));
        Weights head = w.root();
        String x = g.op("Tanh", new String[] {linear(g, head, first, "classifier.dense", hidden, hidden)});
        g.op("Identity", "logits", new String[] {linear(g, head, x, "classifier.out_proj", hidden, labels)});
        g.output("logits", "batch", String.valueOf(labels));
        config.put("architectures", new String[] {"RobertaForSequenceClassification"});
        config.put("model_type", "roberta");
        config.put("pad_token_id", padding);
        config.put("max_position_embeddings", positions + offset);
        config.put("id2label", id2label(labels));
        w.write(dir, config, encoderDir.resolve("tokenizer.json"));
        return new Pair(dir, g.model());
    }

    private static Map<String, String> id2label(int labels) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] names = {"NEGATIVE", "POSITIVE", "NEUTRAL", "MIXED"};
        for (int i = 0; i < labels; i++) m.put(String.valueOf(i), labels == 1 ? "SCORE" : i < names.length ? names[i] : "LABEL_" + i);
        return m;
    }

    private static String linear(OnnxBuilder g, Weights w, String x, String name, int in, int out) {
        float[] weight = w.gaussian(name + ".weight", (float) (1 / Math.sqrt(in)), out, in);
        float[] bias = w.gaussian(name + ".bias", 0.1f, out);
        return g.linear(x, w.prefix + name, weight, bias, in, out);
    }

    private static String norm(OnnxBuilder g, Weights w, String x, String name, int dim) {
        float[] gamma = w.gaussian(name + ".weight", 0.1f, dim);
        for (int i = 0; i < dim; i++) gamma[i] += 1;
        return g.layerNorm(x, w.prefix + name, gamma, w.gaussian(name + ".bias", 0.1f, dim), 1e-12f);
    }

    private static String heads(OnnxBuilder g, String x, String split, long... perm) {
        return g.op("Transpose", new String[] {g.op("Reshape", new String[] {x, split})}, OnnxBuilder.intsAttr("perm", perm));
    }

    /** Fixed-seed weights by Hugging Face name, reused when a name is asked for again. */
    private static final class Weights {
        private final Random rnd;
        private final String prefix;
        private final Map<String, float[]> values;
        private final Map<String, int[]> shapes;

        Weights(Random rnd, String prefix) {
            this(rnd, prefix, new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        private Weights(Random rnd, String prefix, Map<String, float[]> values, Map<String, int[]> shapes) {
            this.rnd = rnd;
            this.prefix = prefix;
            this.values = values;
            this.shapes = shapes;
        }

        /** The same store, for top-level head weights. */
        Weights root() {
            return new Weights(rnd, "", values, shapes);
        }

        float[] gaussian(String name, float scale, int... shape) {
            float[] existing = values.get(prefix + name);
            if (existing != null) return existing;
            float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * scale;
            put(name, v, shape);
            return v;
        }

        void put(String name, float[] v, int... shape) {
            values.put(prefix + name, v);
            shapes.put(prefix + name, shape);
        }

        void write(Path dir, Map<String, Object> config, Path tokenizerJson) throws IOException {
            Files.createDirectories(dir);
            try (Arena arena = Arena.ofConfined()) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (var e : values.entrySet()) tensors.put(e.getKey(), Tensor.of(arena, e.getValue(), shapes.get(e.getKey())));
                SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
            Files.copy(tokenizerJson, dir.resolve("tokenizer.json"));
        }
    }
}
