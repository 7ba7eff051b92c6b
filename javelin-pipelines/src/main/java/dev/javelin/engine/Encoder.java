package dev.javelin.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.source.DefaultModel;
import dev.javelin.io.source.ModelSource;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.models.EncoderModel;
import dev.javelin.models.LoadedModel;
import dev.javelin.models.LoraAdapter;
import dev.javelin.models.PeftLora;
import dev.javelin.models.Models;
import dev.javelin.models.WeightDType;
import dev.javelin.models.SequenceClassifier;
import dev.javelin.models.TokenBatch;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded model with its tokenizer, run on token ids: the forward passes under the {@link Engine}.
 * Each call runs the batch it is handed as one forward pass (batches are formed by the {@link Batcher},
 * never here). Batches are packed: the pad tokens a tokenizer may have added are dropped and sequences
 * laid end to end, so compute is proportional to real tokens. What the model is (its kind, labels,
 * pooling, score function) is decided once, at load. Thread-safe: each concurrent call borrows its own
 * scratch workspace; the weights are shared, read-only, memory-mapped.
 */
public final class Encoder implements AutoCloseable {
    private static final int IDLE_KEPT = 64;

    private final LoadedModel model;
    private final Tokenizer tokenizer;
    private final ModelInfo info;
    /**
     * Idle passes (workspace and packed input) for the next call, taken and returned by one
     * compare-and-set each: a queue would allocate a node per return. Beyond this many concurrent
     * calls the extra passes are left to the GC.
     */
    private final AtomicReferenceArray<Pass> idle = new AtomicReferenceArray<>(IDLE_KEPT);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** The head of a javelin-embedding-classifier directory (train-classifier's output), else null. */
    private final EmbeddingClassifier embeddingHead;
    /** The checkpoint's own sequence classifier when the model's {@link Head} uses it, else null. */
    private final SequenceClassifier checkpointHead;
    /** sentence-transformers Dense modules applied to the pooled vector, in order. */
    private final List<DenseLayer> dense;
    private final Prompts prompts;

    private Encoder(LoadedModel model, Tokenizer tokenizer, ModelInfo info, EmbeddingClassifier embeddingHead,
                    SequenceClassifier checkpointHead, List<DenseLayer> dense, Prompts prompts) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.info = info;
        this.embeddingHead = embeddingHead;
        this.checkpointHead = checkpointHead;
        this.dense = List.copyOf(dense);
        this.prompts = prompts;
    }

    /** Loads {@code model}: a local Hugging Face directory or a Hub id (HF cache, else download). */
    public static Encoder load(String model) throws IOException {
        return load(model, WeightDType.F32);
    }

    /** {@link #load(String)} with the linear layers in {@code dtype}. */
    public static Encoder load(String model, WeightDType dtype) throws IOException {
        if (model == null) throw new IllegalArgumentException("no model given; the embedded default is ModelSpec.DEFAULT, loaded by Engine.load");
        return load(ModelSource.resolve(model), model, dtype);
    }

    /** Loads the embedded default model ({@link DefaultModel}: an error names its artifact when it is absent). */
    public static Encoder loadDefault() throws IOException {
        DefaultModel model = DefaultModel.find();
        return load(model.directory(), model.modelId());
    }

    /** Loads the Hugging Face directory {@code dir}; {@code modelId} names it in {@link #info()}. */
    public static Encoder load(Path dir, String modelId) throws IOException {
        return load(dir, modelId, WeightDType.F32);
    }

    /**
     * {@link #load(Path, String)} with the linear layers in {@code dtype} (int8 / bf16: quantized on
     * load; an embedding classifier's encoder too).
     */
    public static Encoder load(Path dir, String modelId, WeightDType dtype) throws IOException {
        return load(dir, modelId, dtype, Head.AUTO);
    }

    /**
     * {@link #load(Path, String, WeightDType)} with the head the caller expects.
     *
     * @throws IOException naming the model and what it is when it has no such head
     */
    public static Encoder load(Path dir, String modelId, WeightDType dtype, Head head) throws IOException {
        if (EmbeddingClassifier.isEmbeddingClassifier(dir)) {
            EmbeddingClassifier classifier = EmbeddingClassifier.load(dir);
            return switch (head) {
                case AUTO, JAVELIN -> withHead(classifier, modelId, dtype);
                case NONE -> encoderOf(classifier, dtype);
                case CLASSIFIER, CROSS_ENCODER -> throw new IOException(modelId + " is a Javelin head over an encoder ("
                        + EmbeddingClassifier.MODEL_TYPE + "), not a checkpoint with its own " + head.wireName()
                        + " head; --head javelin or auto uses it");
            };
        }
        if (head == Head.JAVELIN) {
            throw new IOException(modelId + " is not a " + EmbeddingClassifier.MODEL_TYPE
                    + " directory (train-classifier's output); --head auto reads what it is");
        }
        LoraAdapter adapter = PeftLora.isAdapter(dir) ? LoraAdapter.read(dir) : null;
        // an adapter's model is its base's directory: tokenizer, pooling and prompts come from there
        Path files = adapter == null ? dir : adapter.baseDirectory();
        Path tokenizerFile = files.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) throw new IOException(files + " has no tokenizer.json");
        // The tokenizer is parsed beside the weights' loading and packing: the two longest steps of a
        // start-up, independent of each other (a cold JVM spends ~0.3 s on each).
        FutureTask<Tokenizer> parsing = new FutureTask<>(() -> Tokenizer.fromFile(tokenizerFile));
        Thread.ofPlatform().name("javelin-tokenizer-loader").daemon().start(parsing);
        LoadedModel model = adapter == null ? Models.load(dir, dtype) : Models.load(files, adapter, dtype);
        try {
            SequenceClassifier classifier = checkpointHead(model.classifier(), head, modelId);
            int maxLength = Math.min(model.encoder().maxPositions(), maxSeqLength(files));
            Tokenizer tokenizer = parsed(parsing).withoutPadding()
                    .withTruncation(new Truncation(maxLength, Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.RIGHT));
            PoolingConfig pooling = PoolingConfig.load(files);
            List<DenseLayer> dense = dense(pooling, model.encoder().hiddenSize());
            int width = dense.isEmpty() ? model.encoder().hiddenSize() : dense.getLast().out();
            return new Encoder(model, tokenizer, info(modelId, model, pooling, classifier, width, maxLength), null, classifier,
                    dense, Prompts.load(files).pooled(pooling == null || pooling.includePrompt()));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The tokenizer {@code parsing} read, or what stopped it. */
    private static Tokenizer parsed(FutureTask<Tokenizer> parsing) throws IOException {
        try {
            return parsing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the tokenizer was parsed");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** The checkpoint's classifier as {@code head} asks for it: null for embeddings only. */
    private static SequenceClassifier checkpointHead(SequenceClassifier classifier, Head head, String modelId) throws IOException {
        int outputs = classifier == null ? 0 : classifier.numLabels();
        boolean fits = switch (head) {
            case AUTO, NONE, JAVELIN -> true;
            case CLASSIFIER -> outputs >= 2;
            case CROSS_ENCODER -> outputs == 1;
        };
        if (!fits) {
            throw new IOException(modelId + " has " + (outputs == 0 ? "no sequence-classification head"
                    : "a sequence-classification head with " + outputs + (outputs == 1 ? " output (a cross-encoder)" : " labels"))
                    + "; --head " + head.wireName() + " needs " + (head == Head.CLASSIFIER ? "two or more labels" : "exactly one output"));
        }
        return head == Head.NONE ? null : classifier;
    }

    /**
     * What a checkpoint is: its head decides the kind (none: embeddings; one output: a cross-encoder),
     * config.json the labels. A classifier over an encoder of its own (a LoRA adapter's, unmerged
     * beside its base) leaves the base's embeddings as they were, so the model embeds too.
     */
    private static ModelInfo info(String modelId, LoadedModel model, PoolingConfig pooling, SequenceClassifier head, int width,
                                  int maxLength) {
        ModelConfig cfg = model.config();
        ModelInfo.Kind kind = head == null ? ModelInfo.Kind.EMBEDDING
                : head.numLabels() == 1 ? ModelInfo.Kind.RERANKER
                : head.encoder() != model.encoder() ? ModelInfo.Kind.EMBEDDING : ModelInfo.Kind.CLASSIFIER;
        List<String> labels = head == null ? null : labels(cfg.id2label(), head.numLabels());
        return new ModelInfo(modelId, cfg.modelType(), kind, width, maxLength,
                // sentence-transformers defaults to mean pooling; classifiers read the first token
                pooling != null ? Pooling.valueOf(pooling.mode().name()) : head != null ? Pooling.CLS : Pooling.MEAN,
                pooling != null && pooling.normalize(), labels,
                head == null ? null : ScoreFunction.defaultFor(cfg.problemType(), head.numLabels()), model.weightDtype());
    }

    /** The Dense modules of a sentence-transformers model, each taking the width the one before gives. */
    private static List<DenseLayer> dense(PoolingConfig pooling, int hiddenSize) throws IOException {
        if (pooling == null) return List.of();
        List<DenseLayer> layers = new ArrayList<>();
        int width = hiddenSize;
        for (Path dir : pooling.denseDirs()) {
            DenseLayer layer = DenseLayer.load(dir);
            if (layer.in() != width) {
                throw new IOException(dir + ": in_features is " + layer.in() + " but the vector before it has " + width + " dimensions");
            }
            layers.add(layer);
            width = layer.out();
        }
        return layers;
    }

    /** The plain encoder a trained embedding classifier names (the embedded default's for {@value EmbeddingClassifier#DEFAULT_ENCODER}). */
    private static Encoder encoderOf(EmbeddingClassifier head, WeightDType dtype) throws IOException {
        if (head.encoderSpec() != null) return load(head.encoderSpec(), dtype);
        DefaultModel defaultModel = DefaultModel.find();
        return load(defaultModel.directory(), defaultModel.modelId(), dtype);
    }

    /**
     * The encoder a trained embedding classifier names, with its head on top: an embedding model (its
     * encoder's pooling and normalisation) that also classifies, with softmax over the head's labels.
     */
    private static Encoder withHead(EmbeddingClassifier head, String modelId, WeightDType dtype) throws IOException {
        Encoder base = encoderOf(head, dtype);
        ModelInfo b = base.info;
        if (base.embeddingHead != null || b.kind() != ModelInfo.Kind.EMBEDDING || base.model.encoder().hiddenSize() != head.hiddenSize()) {
            base.close();
            throw new IOException(modelId + ": its encoder " + head.encoder() + " must be a plain encoder of hidden size "
                    + head.hiddenSize());
        }
        List<String> labels = labels(head.id2label(), head.numLabels());
        ModelInfo info = new ModelInfo(modelId, b.modelType(), ModelInfo.Kind.EMBEDDING, b.hiddenSize(), b.maxInputLength(),
                b.pooling(), b.normalize(), labels, ScoreFunction.defaultFor(EmbeddingClassifier.PROBLEM_TYPE, labels.size()), b.dtype());
        return new Encoder(base.model, base.tokenizer, info, head, null, base.dense, base.prompts);
    }

    /** sentence_bert_config.json's max_seq_length when present (sentence-transformers truncates there). */
    private static int maxSeqLength(Path dir) throws IOException {
        Path f = dir.resolve("sentence_bert_config.json");
        if (!Files.isRegularFile(f)) return Integer.MAX_VALUE;
        JsonNode n = new ObjectMapper().readTree(f.toFile()).path("max_seq_length");
        return n.isInt() && n.asInt() > 0 ? n.asInt() : Integer.MAX_VALUE;
    }

    /** Label names by index, Hugging Face's LABEL_i where id2label names none. */
    private static List<String> labels(Map<Integer, String> id2label, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = id2label == null ? null : id2label.get(i);
            out.add(name != null ? name : ModelConfig.defaultLabel(i));
        }
        return out;
    }

    /** The model with another pooling or default normalisation for its embeddings (a {@link ModelSpec}'s overrides). */
    Encoder withEmbedding(Pooling pooling, boolean normalize) {
        ModelInfo i = info;
        return new Encoder(model, tokenizer, new ModelInfo(i.modelId(), i.modelType(), i.kind(), i.hiddenSize(),
                i.maxInputLength(), pooling, normalize, i.labels(), i.scoreFunction(), i.dtype()), embeddingHead, checkpointHead, dense, prompts);
    }

    /** The model's tokenizer, set to truncate at {@link ModelInfo#maxInputLength()} and not to pad. */
    public Tokenizer tokenizer() { return tokenizer; }

    public ModelInfo info() { return info; }

    /** The model's instruction prompts (sentence-transformers' config_sentence_transformers.json). */
    public Prompts prompts() { return prompts; }

    /**
     * One sentence vector (not normalised) per input: the model's pooling, then its Dense modules;
     * what sentence-transformers computes before its Normalize module.
     */
    public float[][] embed(List<Encoding> batch) {
        return embed(batch, (int[]) null);
    }

    /**
     * As {@link #embed(List)}, with the first {@code outsidePooling[i]} tokens of input i (its prompt,
     * when the Pooling module has {@code include_prompt: false}) left out of mean and max pooling.
     */
    public float[][] embed(List<Encoding> batch, int[] outsidePooling) {
        float[][] out = pool(batch, info.pooling(), outsidePooling);
        for (DenseLayer layer : dense) {
            for (int i = 0; i < out.length; i++) out[i] = layer.apply(out[i]);
        }
        return out;
    }

    /** One pooled (not normalised) vector per input, the encoder's last hidden state only (no Dense module). */
    public float[][] embed(List<Encoding> batch, Pooling pooling) {
        return pool(batch, pooling, null);
    }

    /** {@code outsidePooling}: null for none. */
    private float[][] pool(List<Encoding> batch, Pooling pooling, int[] outsidePooling) {
        if (outsidePooling != null && outsidePooling.length != batch.size()) {
            throw new IllegalArgumentException(outsidePooling.length + " prompt lengths for " + batch.size() + " inputs");
        }
        float[][] out = new float[batch.size()][];
        if (batch.isEmpty()) return out;
        Pass pass = begin(model.encoder(), batch);
        try {
            PackedSequences seqs = pass.input.sequences();
            for (int s = 0; s < seqs.count(); s++) {
                out[s] = pooling.pool(pass.hidden, seqs.start(s), seqs.end(s), outsidePooling == null ? 0 : outsidePooling[s]);
            }
        } finally {
            end(pass);
        }
        return out;
    }

    /** The last hidden state of every real (non-pad) token of every input: [input][token][hidden]. */
    public float[][][] embedAll(List<Encoding> batch) {
        float[][][] out = new float[batch.size()][][];
        if (batch.isEmpty()) return out;
        Pass pass = begin(model.encoder(), batch);
        try {
            PackedSequences seqs = pass.input.sequences();
            for (int s = 0; s < seqs.count(); s++) {
                float[][] rows = new float[seqs.length(s)][pass.hidden.dim(1)];
                for (int t = 0; t < rows.length; t++) Pooling.readRow(pass.hidden, seqs.start(s) + t, rows[t]);
                out[s] = rows;
            }
        } finally {
            end(pass);
        }
        return out;
    }

    /** Raw logits [input][label] of the classification head. */
    public float[][] predict(List<Encoding> batch) {
        if (embeddingHead != null) return embeddingHead.logits(embeddingHead.features(this, batch));
        SequenceClassifier head = checkpointHead;
        if (head == null) {
            throw new UnsupportedTaskException(info.modelId() + " has no classification head; it is an embedding model");
        }
        float[][] out = new float[batch.size()][];
        if (batch.isEmpty()) return out;
        Pass pass = begin(head.encoder(), batch);
        try {
            PackedSequences seqs = pass.input.sequences();
            Tensor logits = head.head(pass.hidden, seqs, pass.ws);
            for (int s = 0; s < seqs.count(); s++) {
                out[s] = new float[head.numLabels()];
                Pooling.readRow(logits, s, out[s]);
            }
        } finally {
            end(pass);
        }
        return out;
    }

    /**
     * One forward pass's scratch, borrowed by one call at a time and kept for the next: the
     * workspace, the packed input (refilled per call, arrays grown to the most tokens seen) and the
     * last hidden state the pass left in the workspace.
     */
    private static final class Pass {
        final Workspace ws = new Workspace();
        final TokenBatch input = TokenBatch.reusable();
        int[] lengths = new int[0];
        Tensor hidden;
    }

    /**
     * Runs {@code encoder} (the model's, or its classifier's own) over the whole, non-empty batch, as
     * handed, under the read lock: the caller reads the pass's results, then hands it to {@link #end}.
     */
    private Pass begin(EncoderModel encoder, List<Encoding> batch) {
        lock.readLock().lock();
        Pass pass = null;
        try {
            if (closed) throw new IllegalStateException("encoder " + info.modelId() + " is closed");
            pass = borrow();
            pack(batch, pass);
            pass.hidden = encoder.forward(pass.input, pass.ws);
            return pass;
        } catch (RuntimeException | Error e) {
            if (pass != null) giveBack(pass);
            lock.readLock().unlock();
            throw e;
        }
    }

    /** Done with the results of {@link #begin}: the pass goes back for the next call, and the lock is released. */
    private void end(Pass pass) {
        giveBack(pass);
        lock.readLock().unlock();
    }

    private Pass borrow() {
        for (int i = 0; i < IDLE_KEPT; i++) {
            Pass p = idle.getAcquire(i);
            if (p != null && idle.compareAndSet(i, p, null)) return p;
        }
        return new Pass();
    }

    private void giveBack(Pass pass) {
        pass.hidden = null;
        for (int i = 0; i < IDLE_KEPT; i++) {
            if (idle.getAcquire(i) == null && idle.compareAndSet(i, null, pass)) return;
        }
    }

    /**
     * Packs the ids and type ids of the tokens each input's attention mask keeps (what the model
     * really sees) into the pass's input, end to end.
     */
    private void pack(List<Encoding> batch, Pass pass) {
        int count = batch.size();
        if (pass.lengths.length < count) pass.lengths = new int[Math.max(count, 2 * pass.lengths.length)];
        for (int i = 0; i < count; i++) pass.lengths[i] = realTokens(batch.get(i), i);
        TokenBatch input = pass.input.repack(pass.lengths, count);
        int[] ids = input.ids(), types = input.typeIds();
        for (int i = 0; i < count; i++) {
            Encoding e = batch.get(i);
            int at = input.sequences().start(i);
            for (int t = 0; t < e.length(); t++) {
                if (e.attends(t)) {
                    ids[at] = e.id(t);
                    types[at++] = e.typeId(t);
                }
            }
        }
    }

    /** How many tokens of input {@code index} its attention mask keeps: what the model really sees. */
    private int realTokens(Encoding e, int index) {
        int n = 0;
        for (int t = 0; t < e.length(); t++) if (e.attends(t)) n++;
        if (n == 0) throw new IllegalArgumentException("input " + index + " has no tokens");
        if (n > info.maxInputLength()) {
            throw new IllegalArgumentException("input " + index + " has " + n + " tokens; this model takes at most " + info.maxInputLength());
        }
        return n;
    }

    /** Waits for calls in flight (kernels read the mapped weights directly), then unmaps the weights. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) model.close();
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
