package dev.javelin.train.finetune;

import dev.javelin.engine.Pooling;
import dev.javelin.io.config.BertConfig;
import dev.javelin.io.config.DistilBertConfig;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Dropout;
import dev.javelin.kernels.PackedMeanPooling;
import dev.javelin.kernels.Tanh;
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
 * A BERT-family sequence classifier as a trainable network, Hugging Face's
 * {@code BertForSequenceClassification} or {@code DistilBertForSequenceClassification} (see
 * {@link BertFamily}): embeddings, post-norm encoder layers, a head on the first token (BERT's tanh
 * pooler or DistilBERT's ReLU pre_classifier, then dropout and a linear classifier), each with an
 * explicit backward pass. With {@link Pooling#MEAN} the head is instead a linear classifier over the
 * mean of the token vectors, as sentence-transformers pools them (what {@code train-classifier}'s
 * heads read). Parameters carry HF's names ({@code bert.encoder.layer.0.…},
 * {@code distilbert.transformer.layer.0.…}, {@code classifier.weight}), so a checkpoint is written by
 * walking {@link #params()}.
 *
 * <p>Loads a plain encoder (a sentence-transformers model: no head) or a classification checkpoint;
 * a missing head layer starts as HF initialises it, N(0, 0.02) weights and zero biases, from the
 * given seed.
 */
public final class TrainableBert {
    /** How the encoder trains: every weight, or frozen weights with LoRA adapters. */
    public enum Method { FULL, LORA }

    /**
     * LoRA's rank, α and which projections get adapters (PEFT's module names).
     * {@link #ALL_PROJECTIONS} (no names) stands for every attention and feed-forward projection of
     * the loaded model's family, {@link BertFamily#loraTargets()}; the model's {@link #lora()} names them.
     */
    public record LoraOptions(int rank, float alpha, List<String> targets) {
        public static final List<String> ALL_PROJECTIONS = List.of();

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

    /** The sizes the network is built from, whichever config names them. */
    private record Shape(int hidden, int heads, int inner, int layers, int vocab, int positions, int types, double eps) {}

    private final BertFamily family;
    private final Shape shape;
    private final Pooling pooling;
    private final Map<String, Param> params;
    private final Param word, position, tokenType;
    private final TrainableLayerNorm embeddingNorm;
    private final List<TrainableEncoderLayer> layers;
    private final TrainableLinear headDense, classifier;
    private final float dropout;
    private final LoraOptions lora;
    private final int numLabels;

    private TrainableBert(BertFamily family, Shape shape, Pooling pooling, Map<String, Param> params,
                          List<TrainableEncoderLayer> layers, TrainableLinear headDense, TrainableLinear classifier,
                          float dropout, LoraOptions lora, int numLabels) {
        this.family = family;
        this.shape = shape;
        this.pooling = pooling;
        this.params = Collections.unmodifiableMap(params);
        String e = family.prefix + "embeddings.";
        this.word = params.get(e + "word_embeddings.weight");
        this.position = params.get(e + "position_embeddings.weight");
        this.tokenType = params.get(e + "token_type_embeddings.weight");
        this.embeddingNorm = new TrainableLayerNorm(params.get(e + "LayerNorm.weight"), params.get(e + "LayerNorm.bias"), (float) shape.eps());
        this.layers = layers;
        this.headDense = headDense;
        this.classifier = classifier;
        this.dropout = dropout;
        this.lora = lora;
        this.numLabels = numLabels;
    }

    /** {@link #load(Path, int, float, LoraOptions, long, Pooling)} with HF's head on the first token. */
    public static TrainableBert load(Path dir, int numLabels, float dropout, LoraOptions lora, long seed) throws IOException {
        return load(dir, numLabels, dropout, lora, seed, Pooling.CLS);
    }

    /**
     * Loads the BERT or DistilBERT checkpoint in {@code dir} for training with {@code numLabels} classes.
     *
     * @param lora    the adapters to add for {@link Method#LORA}; null trains every weight
     * @param pooling {@link Pooling#CLS}: the family's head on the first token; {@link Pooling#MEAN}: a
     *                linear classifier on the mean of the token vectors
     */
    public static TrainableBert load(Path dir, int numLabels, float dropout, LoraOptions lora, long seed, Pooling pooling)
            throws IOException {
        ModelConfig mc = ModelConfig.load(dir.resolve("config.json"));
        Shape shape;
        BertFamily family;
        if (mc instanceof BertConfig c && !c.robertaPositions()) {
            if (!"gelu".equals(c.hiddenAct()) || !"absolute".equals(c.positionEmbeddingType())) {
                throw new IOException(dir + ": fine-tuning supports BERT with exact GELU and absolute positions");
            }
            family = BertFamily.BERT;
            shape = new Shape(c.hiddenSize(), c.numAttentionHeads(), c.intermediateSize(), c.numHiddenLayers(), c.vocabSize(),
                    c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps());
        } else if (mc instanceof DistilBertConfig c) {
            if (!"gelu".equals(c.activation()) || c.sinusoidalPosEmbds()) {
                throw new IOException(dir + ": fine-tuning supports DistilBERT with exact GELU and learned positions"
                        + " (not sinusoidal_pos_embds)");
            }
            family = BertFamily.DISTILBERT;
            shape = new Shape(c.dim(), c.nHeads(), c.hiddenDim(), c.nLayers(), c.vocabSize(), c.maxPositionEmbeddings(), 0,
                    DistilBertConfig.LAYER_NORM_EPS);
        } else {
            throw new IOException(dir + ": fine-tuning supports BERT and DistilBERT encoders (model_type \"bert\", \"distilbert\"), not "
                    + mc.modelType());
        }
        Path file = dir.resolve(SafeTensors.SINGLE_FILE);
        if (!Files.isRegularFile(file)) throw new IOException(dir + " has no " + SafeTensors.SINGLE_FILE);
        try (SafeTensors st = SafeTensors.open(file)) {
            return build(family, shape, st, numLabels, dropout, lora, seed, pooling);
        }
    }

    private static TrainableBert build(BertFamily family, Shape shape, SafeTensors st, int numLabels, float dropout, LoraOptions lora,
                                       long seed, Pooling pooling) throws IOException {
        if (numLabels < 2) throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + numLabels);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (pooling != Pooling.CLS && pooling != Pooling.MEAN) {
            throw new IllegalArgumentException("fine-tuning pools by cls or mean, not " + pooling.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (lora != null && lora.targets().isEmpty()) lora = new LoraOptions(lora.rank(), lora.alpha(), family.loraTargets());
        String prefix = st.names().contains(family.prefix + "embeddings.word_embeddings.weight") ? family.prefix : "";
        if (!st.names().contains(prefix + "embeddings.word_embeddings.weight")) {
            throw new IOException(st.source() + " holds no " + family.name() + " embeddings (embeddings.word_embeddings.weight)");
        }
        Arena arena = Arena.ofAuto();
        boolean full = lora == null;
        Map<String, Param> params = new LinkedHashMap<>();
        SplittableRandom init = new SplittableRandom(seed);
        int h = shape.hidden(), inner = shape.inner();
        Loader l = new Loader(st, family.prefix, prefix, arena, params);
        l.param("embeddings.word_embeddings.weight", full, false, shape.vocab(), h);
        l.param("embeddings.position_embeddings.weight", full, false, shape.positions(), h);
        if (family.tokenTypes) l.param("embeddings.token_type_embeddings.weight", full, false, shape.types(), h);
        l.param("embeddings.LayerNorm.weight", full, false, h);
        l.param("embeddings.LayerNorm.bias", full, false, h);
        List<TrainableEncoderLayer> layers = new ArrayList<>();
        List<String> proj = family.projections;
        for (int i = 0; i < shape.layers(); i++) {
            String p = family.layerPrefix + i + ".";
            layers.add(new TrainableEncoderLayer(
                    l.linear(p + proj.get(0), h, h, full, lora, init),
                    l.linear(p + proj.get(1), h, h, full, lora, init),
                    l.linear(p + proj.get(2), h, h, full, lora, init),
                    l.linear(p + proj.get(3), h, h, full, lora, init),
                    l.norm(p + family.attentionNorm, h, full, shape.eps()),
                    l.linear(p + proj.get(4), inner, h, full, lora, init),
                    l.linear(p + proj.get(5), h, inner, full, lora, init),
                    l.norm(p + family.outputNorm, h, full, shape.eps()),
                    shape.heads(), family.dropoutAfterAttention));
        }
        TrainableLinear dense = pooling == Pooling.CLS ? l.head(family.headDense, h, h, init) : null;
        TrainableLinear classifier = l.head("classifier", numLabels, h, init);
        return new TrainableBert(family, shape, pooling, params, List.copyOf(layers), dense, classifier, dropout, lora, numLabels);
    }

    /** Reads parameters by HF name under the checkpoint's prefix; the model's own names always carry the family's. */
    private record Loader(SafeTensors st, String familyPrefix, String prefix, Arena arena, Map<String, Param> params) {
        Param param(String name, boolean trainable, boolean decays, int... shape) throws IOException {
            String stored = prefix + name;
            if (!st.names().contains(stored)) throw new IOException(st.source() + " has no tensor " + stored);
            Tensor t = st.tensor(stored).requireShape(stored, shape);
            return put(Param.copyOf(familyPrefix + name, t, arena, trainable, decays));
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
                Param a = put(new Param(familyPrefix + name + ".lora_A.weight", Tensor.allocate(arena, lora.rank(), in), true, true));
                fill(a.value(), init, (float) (1 / Math.sqrt(in)), true);
                Param bb = put(new Param(familyPrefix + name + ".lora_B.weight", Tensor.allocate(arena, out, lora.rank()), true, true));
                adapter = new TrainableLinear.Lora(a, bb, lora.alpha() / lora.rank());
            }
            return new TrainableLinear(w, b, adapter);
        }

        /** A head layer (always trained): from the checkpoint when it has it, else HF's initialisation. */
        TrainableLinear head(String name, int out, int in, SplittableRandom init) throws IOException {
            String stored = name.startsWith(familyPrefix) ? prefix + name.substring(familyPrefix.length()) : name;
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

    public BertFamily family() { return family; }

    /** How the head pools the last hidden state: the first token, or the mean of the tokens. */
    public Pooling pooling() { return pooling; }

    public int numLabels() { return numLabels; }

    /** LoRA's options, or null for full fine-tuning. */
    public LoraOptions lora() { return lora; }

    /** Every parameter by HF name, in a fixed order (embeddings, layers, head). */
    public Map<String, Param> params() { return params; }

    public List<Param> trainable() {
        return params.values().stream().filter(Param::trainable).toList();
    }

    /**
     * A batch of token ids, packed: {@code lengths[s]} ids of sequence s, one after the other. Type ids
     * may be null (all 0); DistilBERT has no token types and ignores them.
     */
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
        private TrainableLinear.Cache denseCache, classifierCache;
        private Tensor activated;
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
            int t = seqs.tokens(), h = shape.hidden();
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
            Tensor features = mem.tensor(seqs.count(), h);
            if (pooling == Pooling.MEAN) {
                PackedMeanPooling.forward(e, seqs.starts(), seqs.lengths(), features);
            } else {
                for (int s = 0; s < seqs.count(); s++) copyRow(e, seqs.starts()[s], features, s);
            }
            if (headDense != null) {
                activated = mem.tensor(seqs.count(), h);
                denseCache = headDense.forward(features, activated, mem);
                switch (family.headActivation) {
                    case TANH -> Tanh.apply(activated);
                    case RELU -> {
                        float[] v = activated.toArray();
                        for (int i = 0; i < v.length; i++) v[i] = Math.max(v[i], 0f);
                        activated.copyFrom(v);
                    }
                }
                features = activated;
            }
            Tensor dropped = mem.copy(features);
            Dropout.apply(dropped, drop, seed + 1);
            Tensor out = mem.tensor(seqs.count(), numLabels);
            classifierCache = classifier.forward(dropped, out, mem);
            logits = out.toArray();
        }

        private void embed(Tensor x) {
            int h = shape.hidden();
            int[] ids = batch.ids();
            MemorySegment xs = x.segment();
            float[] row = new float[h], add = new float[h];
            int tok = 0;
            for (int s = 0; s < seqs.count(); s++) {
                if (seqs.lengths()[s] > shape.positions()) {
                    throw new IllegalArgumentException("a sequence of " + seqs.lengths()[s] + " tokens exceeds the model's "
                            + shape.positions() + " positions");
                }
                for (int p = 0; p < seqs.lengths()[s]; p++, tok++) {
                    int id = ids[tok];
                    if (id < 0 || id >= shape.vocab()) throw new IllegalArgumentException("token id " + id + " outside the vocabulary");
                    readRow(word.value(), id, row);
                    readRow(position.value(), p, add);
                    for (int i = 0; i < h; i++) row[i] += add[i];
                    if (tokenType != null) {
                        int type = type(tok);
                        if (type < 0 || type >= shape.types()) throw new IllegalArgumentException("token type " + type + " outside the model's types");
                        readRow(tokenType.value(), type, add);
                        for (int i = 0; i < h; i++) row[i] += add[i];
                    }
                    MemorySegment.copy(row, 0, xs, Tensor.F32, x.rowOffset(tok) * Float.BYTES, h);
                }
            }
        }

        private int type(int tok) {
            return batch.typeIds() == null ? 0 : batch.typeIds()[tok];
        }

        /** Accumulates every trainable parameter's gradient from dL/dlogits. */
        public void backward(float[] dLogits) {
            int n = seqs.count(), h = shape.hidden();
            Tensor dOut = mem.tensor(n, numLabels);
            dOut.copyFrom(dLogits);
            Tensor dFeatures = classifier.backward(dOut, classifierCache, true, mem);
            Dropout.apply(dFeatures, drop, seed + 1);
            if (headDense != null) {
                float[] y = activated.toArray(), g = dFeatures.toArray();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= switch (family.headActivation) {
                        case TANH -> 1 - y[i] * y[i];
                        case RELU -> y[i] > 0 ? 1 : 0;
                    };
                }
                dFeatures.copyFrom(g);
                dFeatures = headDense.backward(dFeatures, denseCache, true, mem);
            }
            Tensor dx = mem.tensor(seqs.tokens(), h);
            if (pooling == Pooling.MEAN) {
                PackedMeanPooling.backward(dFeatures, seqs.starts(), seqs.lengths(), dx);
            } else {
                for (int s = 0; s < n; s++) copyRow(dFeatures, s, dx, seqs.starts()[s]);
            }
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
            int h = shape.hidden();
            float[] dw = word.grad(), dp = position.grad(), dt = tokenType == null ? null : tokenType.grad(), row = new float[h];
            int tok = 0;
            for (int s = 0; s < seqs.count(); s++) {
                for (int p = 0; p < seqs.lengths()[s]; p++, tok++) {
                    MemorySegment.copy(dx.segment(), Tensor.F32, dx.rowOffset(tok) * Float.BYTES, row, 0, h);
                    int id = batch.ids()[tok];
                    for (int i = 0; i < h; i++) {
                        dw[id * h + i] += row[i];
                        dp[p * h + i] += row[i];
                    }
                    if (dt != null) {
                        int type = type(tok);
                        for (int i = 0; i < h; i++) dt[type * h + i] += row[i];
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
