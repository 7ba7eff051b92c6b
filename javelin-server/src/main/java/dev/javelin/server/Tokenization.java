package dev.javelin.server;

import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Tokenization off the request threads, as TEI's router does it: a few worker threads (tokenizing is
 * CPU work that should not multiply with the number of waiting requests) behind a bounded queue, and
 * TEI's input validation: empty inputs, a character limit before tokenizing (so a huge text costs
 * little), truncation on request, and the model's maximum length.
 */
public final class Tokenization implements AutoCloseable {
    /** TEI's bound on characters per input: this many per token of the model's maximum length. */
    static final int MAX_CHAR_MULTIPLIER = 250;

    private final Tokenizer untruncated;
    private final Tokenizer truncateRight;
    private final Tokenizer truncateLeft;
    private final int maxInputLength;
    private final ThreadPoolExecutor workers;
    private final ServerMetrics metrics;

    /**
     * @param capacity tokenization jobs that may wait for a worker; more are refused as overloaded
     */
    public Tokenization(Tokenizer tokenizer, int maxInputLength, int workers, int capacity, ServerMetrics metrics) {
        this.untruncated = tokenizer.withoutTruncation().withoutPadding();
        this.truncateRight = untruncated.withTruncation(
                new Truncation(maxInputLength, Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.RIGHT));
        this.truncateLeft = untruncated.withTruncation(
                new Truncation(maxInputLength, Truncation.Strategy.LONGEST_FIRST, 0, Truncation.Direction.LEFT));
        this.maxInputLength = maxInputLength;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                r -> Thread.ofPlatform().name("javelin-tokenizer-" + n.incrementAndGet()).daemon(true).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Encodes an input for inference: special tokens added, truncated to the model's maximum length
     * if asked (from the left or the right), else refused when longer.
     */
    public CompletableFuture<Encoding> encode(Input input, boolean truncate, Truncation.Direction direction,
                                              ClientConnection client) {
        if (input.isEmpty()) {
            return CompletableFuture.failedFuture(ServerError.empty("`inputs` cannot be empty"));
        }
        return submit(() -> {
            if (!client.isOpen()) {
                throw new ServerError(ErrorType.VALIDATION, "client disconnected");
            }
            Encoding encoding = encodeNow(limitChars(input, truncate),
                    truncate ? (direction == Truncation.Direction.LEFT ? truncateLeft : truncateRight) : untruncated);
            if (encoding.length() > maxInputLength) {
                throw ServerError.validation("`inputs` must have less than " + maxInputLength
                        + " tokens. Given: " + encoding.length());
            }
            metrics.inputLength(encoding.length());
            return encoding;
        });
    }

    /** Tokenizes a text as /tokenize shows it: no truncation, special tokens as asked. */
    public CompletableFuture<Encoding> tokenize(String text, boolean addSpecialTokens) {
        if (text.isEmpty()) {
            return CompletableFuture.failedFuture(ServerError.empty("`inputs` cannot be empty"));
        }
        return submit(() -> {
            Input limited = limitChars(new Input.Text(text), false);
            return untruncated.encode(((Input.Text) limited).text(), null, addSpecialTokens);
        });
    }

    public CompletableFuture<String> decode(int[] ids, boolean skipSpecialTokens) {
        if (ids.length == 0) {
            return CompletableFuture.failedFuture(ServerError.empty("`input_ids` cannot be empty"));
        }
        return submit(() -> untruncated.decode(ids, skipSpecialTokens));
    }

    /** The tokens of an empty text ([CLS] [SEP] for BERT): the smallest real input, for health probes. */
    public Encoding minimalInput() {
        return untruncated.encode("");
    }

    private <T> CompletableFuture<T> submit(Supplier<T> job) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return job.get();
                } catch (ServerError e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new ServerError(ErrorType.TOKENIZER, "tokenizer error " + e.getMessage());
                }
            }, workers);
        } catch (RejectedExecutionException e) {
            metrics.requestFailure("overloaded");
            return CompletableFuture.failedFuture(ServerError.overloaded());
        }
    }

    /** TEI's character limit: an error without truncation, else the text is cut before tokenizing. */
    private Input limitChars(Input input, boolean truncate) {
        int limit = maxInputLength * MAX_CHAR_MULTIPLIER;
        int chars = input.chars();
        if (chars <= limit || input instanceof Input.Ids) {
            return input;
        }
        if (!truncate) {
            throw ServerError.validation("`inputs` must have less than " + limit + " characters. Given: " + chars);
        }
        return switch (input) {
            case Input.Text t -> new Input.Text(prefix(t.text(), limit));
            case Input.Pair p -> new Input.Pair(prefix(p.text(), limit / 2), prefix(p.pair(), limit / 2));
            case Input.Ids ids -> ids;
        };
    }

    private static String prefix(String s, int codePoints) {
        if (s.codePointCount(0, s.length()) <= codePoints) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    private Encoding encodeNow(Input input, Tokenizer tokenizer) {
        return switch (input) {
            case Input.Text t -> tokenizer.encode(t.text());
            case Input.Pair p -> tokenizer.encode(p.text(), p.pair());
            // As TEI: ids are decoded to text and encoded again without adding special tokens, so they get
            // the same truncation and validation as text (and an id outside the vocabulary is an error).
            case Input.Ids ids -> tokenizer.encode(untruncated.decode(checkVocabulary(ids.ids()), false), null, false);
        };
    }

    /** Decoding skips ids outside the vocabulary; as model input they must be refused instead. */
    private int[] checkVocabulary(int[] ids) {
        for (int id : ids) {
            if (untruncated.idToToken(id) == null) {
                throw ServerError.validation("token id " + id + " is not in the model's vocabulary");
            }
        }
        return ids;
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
