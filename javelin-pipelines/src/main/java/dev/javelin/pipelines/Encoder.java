package dev.javelin.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.source.ModelSource;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.models.LoadedModel;
import dev.javelin.models.Models;
import dev.javelin.models.SequenceClassifier;
import dev.javelin.models.TokenBatch;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded model with its tokenizer, run on token ids: the layer servers and pipelines build on.
 * Batches are packed — the pad tokens a tokenizer may have added are dropped, sequences laid end to
 * end — so compute is proportional to real tokens. Thread-safe: each concurrent call borrows its own
 * scratch workspace; the weights are shared, read-only, memory-mapped.
 */
public final class Encoder implements AutoCloseable {
    /**
     * Largest number of tokens run in one forward pass; bigger batches go in chunks so scratch
     * memory stays bounded (~4 KB per token for a 384-wide model).
     */
    static final int MAX_TOKENS_PER_PASS = 16_384;

    private final LoadedModel model;
    private final Tokenizer tokenizer;
    private final ModelInfo info;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** The head of a javelin-embedding-classifier directory (train-classifier's output), else null. */
    private final EmbeddingClassifier embeddingHead;

    private Encoder(LoadedModel model, Tokenizer tokenizer, ModelInfo info, EmbeddingClassifier embeddingHead) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.info = info;
        this.embeddingHead = embeddingHead;
    }

    /**
     * Loads {@code model}: a local Hugging Face directory, a Hub id (HF cache, else download) — or,
     * when null, the embedded default all-MiniLM-L6-v2.
     */
    public static Encoder load(String model) throws IOException {
        if (model == null) return load(BundledModel.ALL_MINILM_L6_V2.directory(), BundledModel.ALL_MINILM_L6_V2.modelId());
        return load(ModelSource.resolve(model), model);
    }

    /** Loads the Hugging Face directory {@code dir}; {@code modelId} names it in {@link #info()}. */
    public static Encoder load(Path dir, String modelId) throws IOException {
        if (EmbeddingClassifier.isEmbeddingClassifier(dir)) return withHead(EmbeddingClassifier.load(dir), modelId);
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) throw new IOException(dir + " has no tokenizer.json");
        LoadedModel model = Models.load(dir);
        try {
            int maxLength = Math.min(model.encoder().maxPositions(), maxSeqLength(dir));
            Tokenizer tokenizer = Tokenizer.fromFile(tokenizerFile).withoutPadding()
                    .withTruncation(new Truncation(maxLength, Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.RIGHT));
            PoolingConfig pooling = PoolingConfig.load(dir);
            SequenceClassifier head = model.classifier();
            ModelConfig cfg = model.config();
            ModelInfo.Kind kind = head == null ? ModelInfo.Kind.EMBEDDING
                    : head.numLabels() == 1 ? ModelInfo.Kind.RERANKER : ModelInfo.Kind.CLASSIFIER;
            ModelInfo info = new ModelInfo(modelId, cfg.modelType(), model.encoder().hiddenSize(), maxLength,
                    // sentence-transformers defaults to mean pooling; classifiers read the first token
                    pooling != null ? Pooling.valueOf(pooling.mode().name()) : head != null ? Pooling.CLS : Pooling.MEAN,
                    pooling != null && pooling.normalize(),
                    head == null ? null : Map.copyOf(labels(cfg.id2label(), head.numLabels())),
                    head == null ? 0 : head.numLabels(), kind);
            return new Encoder(model, tokenizer, info, null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The encoder a trained embedding classifier names, with its head on top: embeddings as the encoder's, logits from the head. */
    private static Encoder withHead(EmbeddingClassifier head, String modelId) throws IOException {
        Encoder base = load(head.encoderSpec());
        ModelInfo b = base.info;
        if (base.embeddingHead != null || b.hiddenSize() != head.hiddenSize()) {
            base.close();
            throw new IOException(modelId + ": its encoder " + head.encoder() + " must be a plain encoder of hidden size "
                    + head.hiddenSize());
        }
        ModelInfo info = new ModelInfo(modelId, b.modelType(), b.hiddenSize(), b.maxInputLength(), b.pooling(), b.normalize(),
                head.id2label(), head.numLabels(), ModelInfo.Kind.CLASSIFIER);
        return new Encoder(base.model, base.tokenizer, info, head);
    }

    /** sentence_bert_config.json's max_seq_length when present (sentence-transformers truncates there). */
    private static int maxSeqLength(Path dir) throws IOException {
        Path f = dir.resolve("sentence_bert_config.json");
        if (!Files.isRegularFile(f)) return Integer.MAX_VALUE;
        JsonNode n = new ObjectMapper().readTree(f.toFile()).path("max_seq_length");
        return n.isInt() && n.asInt() > 0 ? n.asInt() : Integer.MAX_VALUE;
    }

    private static Map<Integer, String> labels(Map<Integer, String> id2label, int n) {
        Map<Integer, String> out = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            String name = id2label == null ? null : id2label.get(i);
            out.put(i, name != null ? name : "LABEL_" + i);
        }
        return out;
    }

    /** The model's tokenizer, set to truncate at {@link ModelInfo#maxInputLength()} and not to pad. */
    public Tokenizer tokenizer() { return tokenizer; }

    public ModelInfo info() { return info; }

    /** config.json's problem_type (regression, single_label_classification, multi_label_classification), or null. */
    public String problemType() {
        if (embeddingHead != null) return "single_label_classification";
        return model.config().problemType();
    }

    /** One pooled (not normalised) vector per input. */
    public float[][] embed(List<Encoding> batch, Pooling pooling) {
        float[][] out = new float[batch.size()][];
        run(batch, (first, seqs, hidden, ws) -> {
            for (int s = 0; s < seqs.count(); s++) out[first + s] = pooling.pool(hidden, seqs.start(s), seqs.end(s));
        });
        return out;
    }

    /** The last hidden state of every real (non-pad) token of every input: [input][token][hidden]. */
    public float[][][] embedAll(List<Encoding> batch) {
        float[][][] out = new float[batch.size()][][];
        run(batch, (first, seqs, hidden, ws) -> {
            for (int s = 0; s < seqs.count(); s++) {
                float[][] rows = new float[seqs.length(s)][hidden.dim(1)];
                for (int t = 0; t < rows.length; t++) Pooling.readRow(hidden, seqs.start(s) + t, rows[t]);
                out[first + s] = rows;
            }
        });
        return out;
    }

    /** Raw logits [input][label] of the classification head. */
    public float[][] predict(List<Encoding> batch) {
        if (embeddingHead != null) return embeddingHead.logits(embeddingHead.features(this, batch));
        SequenceClassifier head = model.classifier();
        if (head == null) {
            throw new UnsupportedOperationException(info.modelId() + " has no classification head; it is an embedding model");
        }
        float[][] out = new float[batch.size()][];
        run(batch, (first, seqs, hidden, ws) -> {
            Tensor logits = head.head(hidden, seqs, ws);
            for (int s = 0; s < seqs.count(); s++) {
                out[first + s] = new float[head.numLabels()];
                Pooling.readRow(logits, s, out[first + s]);
            }
        });
        return out;
    }

    /** Receives one forward pass's results: inputs {@code first…first+seqs.count()-1}. */
    private interface PassConsumer {
        void accept(int first, PackedSequences seqs, Tensor hidden, Workspace ws);
    }

    private void run(List<Encoding> batch, PassConsumer consumer) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("encoder " + info.modelId() + " is closed");
            runOpen(batch, consumer);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void runOpen(List<Encoding> batch, PassConsumer consumer) {
        Workspace ws = workspaces.poll();
        if (ws == null) ws = new Workspace();
        try {
            int i = 0;
            while (i < batch.size()) {
                int from = i, tokens = 0;
                List<int[]> ids = new ArrayList<>(), types = new ArrayList<>();
                while (i < batch.size()) {
                    int[][] real = realTokens(batch.get(i), i);
                    if (!ids.isEmpty() && tokens + real[0].length > MAX_TOKENS_PER_PASS) break;
                    ids.add(real[0]);
                    types.add(real[1]);
                    tokens += real[0].length;
                    i++;
                }
                TokenBatch tb = TokenBatch.of(ids.toArray(int[][]::new), types.toArray(int[][]::new));
                Tensor hidden = model.encoder().forward(tb, ws);
                consumer.accept(from, tb.sequences(), hidden, ws);
            }
        } finally {
            workspaces.add(ws);
        }
    }

    /** The ids and type ids of the tokens the attention mask keeps: what the model really sees. */
    private int[][] realTokens(Encoding e, int index) {
        int[] ids = e.ids(), types = e.typeIds(), mask = e.attentionMask();
        int n = 0;
        for (int m : mask) if (m != 0) n++;
        if (n == 0) throw new IllegalArgumentException("input " + index + " has no tokens");
        if (n > info.maxInputLength()) {
            throw new IllegalArgumentException("input " + index + " has " + n + " tokens; this model takes at most " + info.maxInputLength());
        }
        if (n == ids.length) return new int[][] {ids, types};
        int[] ri = new int[n], rt = new int[n];
        for (int t = 0, k = 0; t < ids.length; t++) {
            if (mask[t] != 0) {
                ri[k] = ids[t];
                rt[k++] = types[t];
            }
        }
        return new int[][] {ri, rt};
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
