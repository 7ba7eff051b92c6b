package dev.javelin.engine;

import dev.javelin.io.source.DefaultModel;
import dev.javelin.io.source.ModelSource;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A loaded model, as every front end uses it: the CLI and the pipelines through the one-shot methods
 * ({@link #embed}, {@link #embedAll}, {@link #predict}, {@link #rerank}, {@link #similarity},
 * {@link #tokenize}, {@link #decode}); the server and batch jobs, which form their own batches with the
 * {@link Batcher}, through the three stages those methods are made of:
 * <ol>
 *   <li>{@link #encode}: validation and tokenization of one input (TEI's rules: empty inputs, a
 *       character limit before tokenizing, truncation, the model's maximum length);</li>
 *   <li>{@link #pooled}, {@link #tokenVectors}, {@link #logits}: one forward pass over exactly the batch
 *       handed;</li>
 *   <li>{@link #embedding}, {@link #labels}, {@link #relevance}, {@link #ranks}, {@link #similarities}:
 *       all post-processing (normalisation, Matryoshka truncation, score functions by problem_type,
 *       raw scores, label names, rank order, cosine).</li>
 * </ol>
 * What the model is and can do is decided once, at {@link #load}, and reported by {@link #info()}.
 * Thread-safe; close it to unmap the weights.
 */
public final class Engine implements AutoCloseable {
    /** TEI's bound on characters per input: this many per token of the model's maximum length. */
    public static final int MAX_CHAR_MULTIPLIER = 250;

    private final Encoder encoder;
    private final ModelInfo info;
    private final Batcher batcher;
    private final Tokenizer untruncated;
    private final Tokenizer truncateRight;
    private final Tokenizer truncateLeft;

    private Engine(Encoder encoder, Batcher batcher) {
        this.encoder = encoder;
        this.info = encoder.info();
        this.batcher = batcher;
        this.untruncated = encoder.tokenizer().withoutTruncation().withoutPadding();
        this.truncateRight = untruncated.withTruncation(
                new Truncation(info.maxInputLength(), Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.RIGHT));
        this.truncateLeft = untruncated.withTruncation(
                new Truncation(info.maxInputLength(), Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.LEFT));
    }

    /** Loads the model with the default batch budget. */
    public static Engine load(ModelSpec spec) throws IOException {
        return load(spec, Batcher.DEFAULT);
    }

    /**
     * Loads the model {@code spec} names.
     *
     * @param batcher how the one-shot methods batch; its budget must hold the model's longest input
     * @throws IllegalArgumentException when the batch budget is below the model's maximum input length
     */
    public static Engine load(ModelSpec spec, Batcher batcher) throws IOException {
        Encoder encoder = spec.isDefault()
                ? Encoder.load(DefaultSentiment.directory(), DefaultModel.find().modelId(), spec.dtype(), spec.head())
                : Encoder.load(ModelSource.resolve(spec.source()), spec.source(), spec.dtype(), spec.head());
        ModelInfo loaded = encoder.info();
        if (spec.pooling() != null || spec.normalize() != null) {
            encoder = encoder.withEmbedding(spec.pooling() != null ? spec.pooling() : loaded.pooling(),
                    spec.normalize() != null ? spec.normalize() : loaded.normalize());
        }
        if (batcher.maxTokens() < loaded.maxInputLength()) {
            encoder.close();
            throw new IllegalArgumentException("the batch token budget (" + batcher.maxTokens()
                    + ") must be at least the model's max input length (" + loaded.maxInputLength() + ")");
        }
        return new Engine(encoder, batcher);
    }

    public ModelInfo info() {
        return info;
    }

    /** The model's tokenizer, untruncated, for its vocabulary; inputs for the model go through {@link #encode}. */
    public Tokenizer tokenizer() {
        return untruncated;
    }

    /** How the one-shot methods batch. */
    public Batcher batcher() {
        return batcher;
    }

    // ---- capabilities

    public void requireEmbeds() {
        if (!info.embeds()) throw new UnsupportedTaskException("Model is not an embedding model");
    }

    public void requirePredicts() {
        if (!info.predicts()) throw new UnsupportedTaskException("Model is not a classifier model");
    }

    public void requireReranks() {
        if (!info.reranks()) throw new UnsupportedTaskException("model is not a re-ranker model");
    }

    // ---- stage 1: tokenization

    /**
     * Tokenizes an input for inference, special tokens added.
     *
     * @throws InputException empty, over the character limit (without truncation), ids outside the
     *                        vocabulary, or longer than the model takes (without truncation)
     */
    public Encoding encode(Input input, Truncate truncate) {
        if (input.isEmpty()) throw InputException.empty("`inputs` cannot be empty");
        Input limited = limitChars(input, truncate != Truncate.NONE);
        Tokenizer tokenizer = switch (truncate) {
            case NONE -> untruncated;
            case RIGHT -> truncateRight;
            case LEFT -> truncateLeft;
        };
        Encoding encoding = switch (limited) {
            case Input.Text t -> tokenizer.encode(t.text());
            case Input.Pair p -> tokenizer.encode(p.text(), p.pair());
            // As TEI: ids are decoded to text and encoded again without adding special tokens, so they get
            // the same truncation and validation as text (and an id outside the vocabulary is an error).
            case Input.Ids ids -> tokenizer.encode(untruncated.decode(checkVocabulary(ids.ids()), false), null, false);
        };
        if (encoding.length() > info.maxInputLength()) {
            throw InputException.invalid("`inputs` must have less than " + info.maxInputLength()
                    + " tokens. Given: " + encoding.length());
        }
        return encoding;
    }

    /**
     * The inputs with the model's prompt {@code promptName} (null: its default prompt) before each text,
     * as sentence-transformers and TEI put it before texts to embed; the inputs themselves without one.
     * Token ids are decoded to text first (TEI's rule).
     *
     * @throws InputException for a prompt name the model does not have, or a prompt with a pair of texts
     */
    public List<Input> prompted(List<Input> inputs, String promptName) {
        String prompt = encoder.prompts().text(promptName);
        if (prompt == null || prompt.isEmpty()) return inputs;
        List<Input> out = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            out.add(switch (input) {
                case Input.Text t -> new Input.Text(prompt + t.text());
                case Input.Pair p -> throw InputException.invalid("`prompt_name` cannot be set with dual inputs");
                case Input.Ids ids -> new Input.Text(prompt + untruncated.decode(checkVocabulary(ids.ids()), true));
            });
        }
        return out;
    }

    /** A text's tokens as a tokenizer shows them: never truncated, special tokens as asked. */
    public Encoding tokenize(String text, boolean addSpecialTokens) {
        if (text.isEmpty()) throw InputException.empty("`inputs` cannot be empty");
        limitChars(Input.of(text), false);
        return untruncated.encode(text, null, addSpecialTokens);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        if (ids.length == 0) throw InputException.empty("`input_ids` cannot be empty");
        return untruncated.decode(ids, skipSpecialTokens);
    }

    /** The tokens of an empty text ([CLS] [SEP] for BERT): the smallest real input, for warm-up and health probes. */
    public Encoding minimalInput() {
        return untruncated.encode("");
    }

    /** TEI's character limit: an error without truncation, else the text is cut before tokenizing. */
    private Input limitChars(Input input, boolean truncate) {
        int limit = info.maxInputLength() * MAX_CHAR_MULTIPLIER;
        int chars = input.chars();
        if (chars <= limit || input instanceof Input.Ids) return input;
        if (!truncate) {
            throw InputException.invalid("`inputs` must have less than " + limit + " characters. Given: " + chars);
        }
        return switch (input) {
            case Input.Text t -> new Input.Text(prefix(t.text(), limit));
            case Input.Pair p -> new Input.Pair(prefix(p.text(), limit / 2), prefix(p.pair(), limit / 2));
            case Input.Ids ids -> ids;
        };
    }

    private static String prefix(String s, int codePoints) {
        if (s.codePointCount(0, s.length()) <= codePoints) return s;
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    /** Decoding skips ids outside the vocabulary; as model input they must be refused instead. */
    private int[] checkVocabulary(int[] ids) {
        for (int id : ids) {
            if (untruncated.idToToken(id) == null) throw InputException.invalid("token id " + id + " is not in the model's vocabulary");
        }
        return ids;
    }

    // ---- stage 2: one forward pass over the batch handed

    /** Pooled, not yet normalised, sentence vectors. */
    public float[][] pooled(List<Encoding> batch) {
        return encoder.embed(batch);
    }

    /** As {@link #pooled(List)}, the first {@code outsidePooling[i]} tokens of input i left out of the pooling. */
    public float[][] pooled(List<Encoding> batch, int[] outsidePooling) {
        return encoder.embed(batch, outsidePooling);
    }

    /**
     * How many leading tokens of a text with {@code promptName}'s prompt (null: the default) the
     * pooling leaves out: 0 unless the Pooling module says {@code include_prompt: false}; then, as
     * sentence-transformers counts it, the prompt's own tokens with special tokens, less one.
     */
    public int promptTokensOutsidePooling(String promptName) {
        String prompt = encoder.prompts().text(promptName);
        if (prompt == null || prompt.isEmpty() || encoder.prompts().pooled()) return 0;
        return untruncated.encode(prompt).length() - 1;
    }

    /** {@link #pooled(List, int[])} with the same count for every input. */
    private float[][] pooled(List<Encoding> batch, int outsidePooling) {
        int[] each = new int[batch.size()];
        Arrays.fill(each, outsidePooling);
        return pooled(batch, each);
    }

    /** The last hidden state of every token of every input. */
    public float[][][] tokenVectors(List<Encoding> batch) {
        return encoder.embedAll(batch);
    }

    /** The classification head's raw logits. */
    public float[][] logits(List<Encoding> batch) {
        return encoder.predict(batch);
    }

    /**
     * Sentence features under another pooling and normalisation than the model's: what a Javelin head
     * is trained on ({@code train-classifier}) and computes at inference.
     */
    public float[][] features(List<Encoding> batch, Pooling pooling, boolean normalize) {
        return EmbeddingClassifier.features(encoder, batch, pooling, normalize);
    }

    /** One pass per output the model serves on the smallest input, so the kernels are compiled before traffic. */
    public void warmUp() {
        List<Encoding> input = List.of(minimalInput());
        if (info.embeds()) pooled(input);
        if (info.predicts()) logits(input);
    }

    // ---- stage 3: post-processing

    /** @throws InputException when {@code dimensions} is not in 1..hidden size */
    public void checkDimensions(Integer dimensions) {
        if (dimensions == null) return;
        if (dimensions <= 0) throw InputException.invalid("`dimensions` should be positive");
        if (dimensions > info.hiddenSize()) {
            throw InputException.invalid("`dimensions` should be smaller than the maximum embedding dimension.");
        }
    }

    /** A pooled vector as the embedding the options ask for: Matryoshka prefix, then normalisation. */
    public float[] embedding(float[] pooled, EmbedOptions options) {
        float[] v = options.dimensions() == null ? pooled : Vectors.truncated(pooled, options.dimensions());
        boolean normalize = options.normalize() != null ? options.normalize() : info.normalize();
        return normalize ? Vectors.normalized(v) : v;
    }

    /** One input's labels, best first: the score function the options or the model pick, top-k of them. */
    public List<Label> labels(float[] logits, PredictOptions options) {
        ScoreFunction function = options.function() != null ? options.function() : info.scoreFunction();
        float[] scores = function.apply(logits);
        List<Label> labels = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            labels.add(new Label(info.labels().get(i), requireNumber(scores[i])));
        }
        labels.sort(Comparator.comparingDouble(Label::score).reversed());
        return List.copyOf(options.topK() == 0 ? labels : labels.subList(0, Math.min(options.topK(), labels.size())));
    }

    /** A cross-encoder's relevance: sigmoid of its logit (sentence-transformers' CrossEncoder), or the raw logit. */
    public float relevance(float[] logits, boolean rawScores) {
        return requireNumber(rawScores ? logits[0] : ScoreFunction.SIGMOID.apply(logits)[0]);
    }

    /** Texts in order of their scores, best first. */
    public List<Rank> ranks(float[] scores, List<String> texts, boolean returnText) {
        List<Rank> ranks = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) ranks.add(new Rank(i, returnText ? texts.get(i) : null, scores[i]));
        ranks.sort(Comparator.comparingDouble(Rank::score).reversed());
        return ranks;
    }

    /** Cosine similarity of each of {@code vectors[1..]} to {@code vectors[0]}. */
    public float[] similarities(float[][] vectors) {
        float[] out = new float[vectors.length - 1];
        for (int i = 0; i < out.length; i++) out[i] = Vectors.cosine(vectors[0], vectors[i + 1]);
        return out;
    }

    private static float requireNumber(float score) {
        if (Float.isNaN(score)) throw new IllegalStateException("the model gave a NaN score");
        return score;
    }

    // ---- one-shot: the three stages in batches from the batcher

    public float[][] embed(List<Input> inputs, EmbedOptions options) {
        requireEmbeds();
        checkDimensions(options.dimensions());
        int outside = promptTokensOutsidePooling(options.promptName());
        List<float[]> pooled = inBatches(prompted(inputs, options.promptName()), options.truncate(), b -> pooled(b, outside));
        float[][] out = new float[pooled.size()][];
        for (int i = 0; i < out.length; i++) out[i] = embedding(pooled.get(i), options);
        return out;
    }

    /** Every token's last hidden state, {@code promptName}'s prompt (null: the model's default) before each text. */
    public float[][][] embedAll(List<Input> inputs, Truncate truncate, String promptName) {
        requireEmbeds();
        return inBatches(prompted(inputs, promptName), truncate, this::tokenVectors).toArray(float[][][]::new);
    }

    public List<List<Label>> predict(List<Input> inputs, PredictOptions options) {
        requirePredicts();
        return inBatches(inputs, options.truncate(), this::logits).stream().map(l -> labels(l, options)).toList();
    }

    public List<Rank> rerank(String query, List<String> texts, RerankOptions options) {
        requireReranks();
        List<Input> pairs = texts.stream().<Input>map(t -> new Input.Pair(query, t)).toList();
        List<float[]> logits = inBatches(pairs, options.truncate(), this::logits);
        float[] scores = new float[logits.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = relevance(logits.get(i), options.rawScores());
        return ranks(scores, texts, options.returnText());
    }

    /** Cosine similarity of each sentence's embedding to the source sentence's, all with {@code promptName}'s prompt. */
    public float[] similarity(String source, List<String> sentences, Truncate truncate, String promptName) {
        requireEmbeds();
        List<Input> inputs = new ArrayList<>(sentences.size() + 1);
        inputs.add(Input.of(source));
        sentences.forEach(s -> inputs.add(Input.of(s)));
        int outside = promptTokensOutsidePooling(promptName);
        return similarities(inBatches(prompted(inputs, promptName), truncate, b -> pooled(b, outside)).toArray(float[][]::new));
    }

    private <T> List<T> inBatches(List<Input> inputs, Truncate truncate, Function<List<Encoding>, T[]> pass) {
        List<Encoding> encodings = new ArrayList<>(inputs.size());
        for (Input input : inputs) encodings.add(encode(input, truncate));
        List<T> out = new ArrayList<>(inputs.size());
        for (List<Encoding> batch : batcher.split(encodings, Encoding::length)) out.addAll(Arrays.asList(pass.apply(batch)));
        return out;
    }

    /** Waits for calls in flight, then unmaps the weights. */
    @Override
    public void close() {
        encoder.close();
    }
}
