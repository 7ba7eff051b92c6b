package dev.javelin.train.finetune;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Dropout;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hugging Face's {@code BertForSequenceClassification} as a trainable network: embeddings, post-norm
 * encoder layers, the pooler (tanh of a dense layer on the first token) and a linear classifier, each
 * with an explicit backward pass. Parameters carry HF's names ({@code bert.encoder.layer.0.…},
 * {@code classifier.weight}), so a checkpoint is written by walking {@link #params()}.
 *
 * <p>Loads a plain BERT encoder (a sentence-transformers model: no pooler, no classifier) or a
 * classification checkpoint; a missing pooler or classifier starts as HF initialises it, N(0, 0.02)
 * weights and zero biases, from the given seed.
 */
public final class TrainableBert {
    /** How the encoder trains: every weight, or frozen weights with LoRA adapters. */
    public enum Method { FULL, LORA }

    /** LoRA's rank, α and which projections get adapters (PEFT's module names). */
    public record LoraOptions(int rank, float alpha, List<String> targets) {
        public static final List<String> ALL_PROJECTIONS =
                List.of("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense");

        public LoraOptions {
            if (rank < 1) throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
            if (!(alpha > 0)) throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
            targets = List.copyOf(targets);
        }

        /** PEFT's rule for a list of target names: the module name equals one, or ends with "." + one. */
        boolean targets(String module) {
            for (String t : targets) if (module.equals(t) || module.endsWith("." + t)) return true;
            return false;
        }
    }

    private final BertConfig config;
    private final Map<String, Param> params;
    private final Param word, position, tokenType;
    private final TrainableLayerNorm embeddingNorm;
    private final List<TrainableEncoderLayer> layers;
    private final TrainableLinear pooler, classifier;
    private final float dropout;
    private final LoraOptions lora;
    private final int numLabels;

    private TrainableBert(BertConfig config, Map<String, Param> params, List<TrainableEncoderLayer> layers,
                          TrainableLinear pooler, TrainableLinear classifier, float dropout, LoraOptions lora, int numLabels) {
        this.config = config;
        this.params = Collections.unmodifiableMap(params);
        this.word = params.get("bert.embeddings.word_embeddings.weight");
        this.position = params.get("bert.embeddings.position_embeddings.weight");
        this.tokenType = params.get("bert.embeddings.token_type_embeddings.weight");
        this.embeddingNorm = new TrainableLayerNorm(params.get("bert.embeddings.LayerNorm.weight"),
                params.get("bert.embeddings.LayerNorm.bias"), (float) config.layerNormEps());
        this.layers = layers;
        this.pooler = pooler;
        this.classifier = classifier;
        this.dropout = dropout;
        this.lora = lora;
        this.numLabels = numLabels;
    }

    /**
     * Loads the BERT checkpoint in {@code dir} for training with {@code numLabels} classes.
     *
     * @param lora the adapters to add for {@link Method#LORA}; null trains every weight
     */
    public static TrainableBert load(Path dir, int numLabels, float dropout, LoraOptions lora, long seed) throws IOException {
        ModelConfig mc = ModelConfig.load(dir.resolve("config.json"));
        if (!(mc instanceof BertConfig config) || config.robertaPositions()) {
            throw new IOException(dir + ": fine-tuning supports BERT encoders (model_type \"bert\"), not " + mc.modelType());
        }
        if (!"gelu".equals(config.hiddenAct()) || !"absolute".equals(config.positionEmbeddingType())) {
            throw new IOException(dir + ": fine-tuning supports BERT with exact GELU and absolute positions");
        }
        Path file = dir.resolve(SafeTensors.SINGLE_FILE);
        if (!Files.isRegularFile(file)) throw new IOException(dir + " has no " + SafeTensors.SINGLE_FILE);
        try (SafeTensors st = SafeTensors.open(file)) {
            return build(config, st, numLabels, dropout, lora, seed);
        }
    }

    static TrainableBert build(BertConfig config, SafeTensors st, int numLabels, float dropout, LoraOptions lora, long seed)
            throws IOException {
        if (numLabels < 2) throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + numLabels);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        String prefix = st.names().contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        if (!st.names().contains(prefix + "embeddings.word_embeddings.weight")) {
            throw new IOException(st.source() + " holds no BERT embeddings (embeddings.word_embeddings.weight)");
        }
        Arena arena = Arena.ofAuto();
        boolean full = lora == null;
        Map<String, Param> params = new LinkedHashMap<>();
        SplittableRandom init = new SplittableRandom(seed);
        int h = config.hiddenSize(), inner = config.intermediateSize();
        Loader l = new Loader(st, prefix, arena, params);
        l.param("embeddings.word_embeddings.weight", full, false, config.vocabSize(), h);
        l.param("embeddings.position_embeddings.weight", full, false, config.maxPositionEmbeddings(), h);
        l.param("embeddings.token_type_embeddings.weight", full, false, config.typeVocabSize(), h);
        l.param("embeddings.LayerNorm.weight", full, false, h);
        l.param("embeddings.LayerNorm.bias", full, false, h);
        List<TrainableEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            layers.add(new TrainableEncoderLayer(
                    l.linear(p + "attention.self.query", h, h, full, lora, init),
                    l.linear(p + "attention.self.key", h, h, full, lora, init),
                    l.linear(p + "attention.self.value", h, h, full, lora, init),
                    l.linear(p + "attention.output.dense", h, h, full, lora, init),
                    l.norm(p + "attention.output.LayerNorm", h, full, config.layerNormEps()),
                    l.linear(p + "intermediate.dense", inner, h, full, lora, init),
                    l.linear(p + "output.dense", h, inner, full, lora, init),
                    l.norm(p + "output.LayerNorm", h, full, config.layerNormEps()),
                    config.numAttentionHeads()));
        }
        TrainableLinear pooler = l.head("bert.pooler.dense", h, h, init);
        TrainableLinear classifier = l.head("classifier", numLabels, h, init);
        return new TrainableBert(config, params, List.copyOf(layers), pooler, classifier, dropout, lora, numLabels);
    }

    /** Reads parameters by HF name under the checkpoint's prefix; the model's own names always carry "bert.". */
    private record Loader(SafeTensors st, String prefix, Arena arena, Map<String, Param> params) {
        Param param(String name, boolean trainable, boolean decays, int... shape) throws IOException {
            String stored = prefix + name;
            if (!st.names().contains(stored)) throw new IOException(st.source() + " has no tensor " + stored);
            Tensor t = st.tensor(stored).requireShape(stored, shape);
            return put(Param.copyOf("bert." + name, t, arena, trainable, decays));
        }

        Param put(Param p) {
            params.put(p.name(), p);
            return p;
        }

        TrainableLayerNorm norm(String name, int h, boolean trainable, double eps) throws IOException {
            return new TrainableLayerNorm(param(name + ".weight", trainable, false, h), param(name + ".bias", trainable, false, h), (float) eps);
        }

        TrainableLinear linear(String name, int out, int in, boolean full, LoraOptions lora, SplittableRandom init) throws IOException {
            Param w = param(name + ".weight", full, true, out, in);
            Param b = param(name + ".bias", full, false, out);
            TrainableLinear.Lora adapter = null;
            if (lora != null && lora.targets(name)) {
                // PEFT's default init: A ~ Kaiming-uniform(a = √5) = U(±1/√in), B = 0, so training starts at the base model
                Param a = put(new Param("bert." + name + ".lora_A.weight", Tensor.allocate(arena, lora.rank(), in), true, true));
                fill(a.value(), init, (float) (1 / Math.sqrt(in)), true);
                Param bb = put(new Param("bert." + name + ".lora_B.weight", Tensor.allocate(arena, out, lora.rank()), true, true));
                adapter = new TrainableLinear.Lora(a, bb, lora.alpha() / lora.rank());
            }
            return new TrainableLinear(w, b, adapter);
        }

        /** A head layer (always trained): from the checkpoint when it has it, else HF's initialisation. */
        TrainableLinear head(String name, int out, int in, SplittableRandom init) throws IOException {
            String stored = name.startsWith("bert.") ? prefix + name.substring(5) : name;
            Param w, b;
            if (st.names().contains(stored + ".weight") && !(name.equals("classifier") && st.tensor(stored + ".weight").dim(0) != out)) {
                w = put(Param.copyOf(name + ".weight", st.tensor(stored + ".weight").requireShape(stored, out, in), arena, true, true));
                b = put(Param.copyOf(name + ".bias", st.tensor(stored + ".bias").requireShape(stored, out), arena, true, false));
            } else {
                w = put(new Param(name + ".weight", Tensor.allocate(arena, out, in), true, true));
                fill(w.value(), init, 0.02f, false);
                b = put(new Param(name + ".bias", Tensor.allocate(arena, out), true, false));
            }
            return new TrainableLinear(w, b, null);
        }
    }

    /** Fills t from U(±bound) or N(0, bound²). */
    private static void fill(Tensor t, SplittableRandom r, float bound, boolean uniform) {
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i++) v[i] = uniform ? (float) r.nextDouble(-bound, bound) : (float) (r.nextGaussian() * bound);
        t.copyFrom(v);
    }

    public BertConfig config() { return config; }

    public int numLabels() { return numLabels; }

    /** LoRA's options, or null for full fine-tuning. */
    public LoraOptions lora() { return lora; }

    /** Every parameter by HF name, in a fixed order (embeddings, layers, pooler, classifier). */
    public Map<String, Param> params() { return params; }

    public List<Param> trainable() {
        return params.values().stream().filter(Param::trainable).toList();
    }

    /** A batch of token ids, packed: {@code lengths[s]} ids of sequence s, one after the other. */
    public record Batch(int[] ids, int[] typeIds, int[] lengths) {
        public Batch {
            if (typeIds != null && typeIds.length != ids.length) throw new IllegalArgumentException("type ids and ids differ in length");
        }
    }

    /** One forward pass: the logits [sequences × labels], row-major, and what the backward pass needs. */
    public final class Pass implements AutoCloseable {
        private final StepMemory mem = new StepMemory();
        private final Batch batch;
        private final Sequences seqs;
        private final float drop;
        private final long seed;
        private TrainableLayerNorm.Cache embNorm;
        private final TrainableEncoderLayer.Cache[] caches = new TrainableEncoderLayer.Cache[layers.size()];
        private TrainableLinear.Cache poolerCache, classifierCache;
        private Tensor pooled;
        private float[] logits;

        private Pass(Batch batch, boolean training, long seed) {
            this.batch = batch;
            this.seqs = Sequences.of(batch.lengths());
            this.drop = training ? dropout : 0f;
            this.seed = seed;
            if (seqs.tokens() != batch.ids().length) {
                throw new IllegalArgumentException("batch lengths sum to " + seqs.tokens() + " but it has " + batch.ids().length + " ids");
            }
        }

        public float[] logits() { return logits; }

        private void run() {
            int t = seqs.tokens(), h = config.hiddenSize();
            Tensor x = mem.tensor(t, h);
            embed(x);
            Tensor e = mem.tensor(t, h);
            embNorm = embeddingNorm.forward(x, e);
            Dropout.apply(e, drop, seed);
            for (int i = 0; i < layers.size(); i++) {
                TrainableEncoderLayer.Cache[] slot = new TrainableEncoderLayer.Cache[1];
                e = layers.get(i).forward(e, seqs, drop, seed + 16L * (i + 1), mem, slot);
                caches[i] = slot[0];
            }
            Tensor first = mem.tensor(seqs.count(), h);
            for (int s = 0; s < seqs.count(); s++) copyRow(e, seqs.starts()[s], first, s);
            pooled = mem.tensor(seqs.count(), h);
            poolerCache = pooler.forward(first, pooled, mem);
            dev.javelin.kernels.Tanh.apply(pooled);
            Tensor dropped = mem.copy(pooled);
            Dropout.apply(dropped, drop, seed + 1);
            Tensor out = mem.tensor(seqs.count(), numLabels);
            classifierCache = classifier.forward(dropped, out, mem);
            logits = out.toArray();
        }

        private void embed(Tensor x) {
            int h = config.hiddenSize();
            int[] ids = batch.ids();
            MemorySegment xs = x.segment();
            float[] row = new float[h], add = new float[h];
            int tok = 0;
            for (int s = 0; s < seqs.count(); s++) {
                if (seqs.lengths()[s] > config.maxPositionEmbeddings()) {
                    throw new IllegalArgumentException("a sequence of " + seqs.lengths()[s] + " tokens exceeds the model's "
                            + config.maxPositionEmbeddings() + " positions");
                }
                for (int p = 0; p < seqs.lengths()[s]; p++, tok++) {
                    int id = ids[tok], type = batch.typeIds() == null ? 0 : batch.typeIds()[tok];
                    if (id < 0 || id >= config.vocabSize()) throw new IllegalArgumentException("token id " + id + " outside the vocabulary");
                    if (type < 0 || type >= config.typeVocabSize()) throw new IllegalArgumentException("token type " + type + " outside the model's types");
                    readRow(word.value(), id, row);
                    readRow(position.value(), p, add);
                    for (int i = 0; i < h; i++) row[i] += add[i];
                    readRow(tokenType.value(), type, add);
                    for (int i = 0; i < h; i++) row[i] += add[i];
                    MemorySegment.copy(row, 0, xs, Tensor.F32, x.rowOffset(tok) * Float.BYTES, h);
                }
            }
        }

        /** Accumulates every trainable parameter's gradient from dL/dlogits. */
        public void backward(float[] dLogits) {
            int n = seqs.count(), h = config.hiddenSize();
            Tensor dOut = mem.tensor(n, numLabels);
            dOut.copyFrom(dLogits);
            Tensor dPooled = classifier.backward(dOut, classifierCache, true, mem);
            Dropout.apply(dPooled, drop, seed + 1);
            float[] y = pooled.toArray(), g = dPooled.toArray();
            for (int i = 0; i < g.length; i++) g[i] *= 1 - y[i] * y[i];
            dPooled.copyFrom(g);
            Tensor dFirst = pooler.backward(dPooled, poolerCache, true, mem);
            Tensor dx = mem.tensor(seqs.tokens(), h);
            for (int s = 0; s < n; s++) copyRow(dFirst, s, dx, seqs.starts()[s]);
            boolean embeddingsTrain = word.trainable();
            for (int i = layers.size() - 1; i >= 0; i--) {
                dx = layers.get(i).backward(dx, caches[i], seqs, drop, i > 0 || embeddingsTrain, mem);
            }
            if (!embeddingsTrain) return;
            Dropout.apply(dx, drop, seed);
            embeddingNorm.backward(dx, embNorm, dx);
            scatterRows(dx);
        }

        /** The sparse embedding gradient: each token's row of dx added into the rows its id, position and type used. */
        private void scatterRows(Tensor dx) {
            int h = config.hiddenSize();
            float[] dw = word.grad(), dp = position.grad(), dt = tokenType.grad(), row = new float[h];
            int tok = 0;
            for (int s = 0; s < seqs.count(); s++) {
                for (int p = 0; p < seqs.lengths()[s]; p++, tok++) {
                    MemorySegment.copy(dx.segment(), Tensor.F32, dx.rowOffset(tok) * Float.BYTES, row, 0, h);
                    int id = batch.ids()[tok], type = batch.typeIds() == null ? 0 : batch.typeIds()[tok];
                    for (int i = 0; i < h; i++) {
                        dw[id * h + i] += row[i];
                        dp[p * h + i] += row[i];
                        dt[type * h + i] += row[i];
                    }
                }
            }
        }

        @Override
        public void close() {
            mem.close();
        }
    }

    /** Runs the forward pass; {@code training} turns dropout on, its masks drawn from {@code seed}. Close the pass. */
    public Pass forward(Batch batch, boolean training, long seed) {
        Pass pass = new Pass(batch, training, seed);
        try {
            pass.run();
            return pass;
        } catch (RuntimeException e) {
            pass.close();
            throw e;
        }
    }

    private static void readRow(Tensor table, int row, float[] into) {
        MemorySegment.copy(table.segment(), Tensor.F32, table.rowOffset(row) * Float.BYTES, into, 0, into.length);
    }

    private static void copyRow(Tensor from, int fromRow, Tensor to, int toRow) {
        MemorySegment.copy(from.segment(), from.rowOffset(fromRow) * Float.BYTES, to.segment(), to.rowOffset(toRow) * Float.BYTES,
                (long) from.dim(1) * Float.BYTES);
    }
}
