package dev.javelin.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToIntFunction;

/**
 * The one place batches are formed: consecutive inputs, in order, up to a budget of real tokens (the
 * engine packs sequences, so padding costs nothing and is not counted) and optionally a number of
 * inputs. An input longer than the budget still runs, alone. The server's batching queue asks
 * {@link #admits} as it cuts; in-process callers and batch jobs stream through {@link #batches}. The
 * model runs each batch it is handed as one forward pass, so this budget also bounds scratch memory
 * (about 4 KB per token for a 384-wide model).
 *
 * @param maxTokens most tokens in a batch
 * @param maxInputs most inputs in a batch; 0 for no limit but the token budget
 */
public record Batcher(int maxTokens, int maxInputs) {

    /** The default token budget of a batch, everywhere: the server's {@code --max-batch-tokens}, pipelines, batch jobs. */
    public static final int DEFAULT_MAX_TOKENS = 16_384;

    public static final Batcher DEFAULT = new Batcher(DEFAULT_MAX_TOKENS, 0);

    public Batcher {
        if (maxTokens < 1) throw new IllegalArgumentException("the batch token budget must be positive, got " + maxTokens);
        if (maxInputs < 0) throw new IllegalArgumentException("the most inputs per batch must be positive or 0 (no limit), got " + maxInputs);
    }

    /** Whether an input of {@code length} tokens joins a batch that already has {@code inputs} inputs of {@code tokens} tokens. */
    public boolean admits(int inputs, int tokens, int length) {
        if (inputs == 0) return true;
        return tokens + length <= maxTokens && (maxInputs == 0 || inputs < maxInputs);
    }

    /** The items cut into consecutive batches, lazily: a stream of any length costs one batch of memory. */
    public <T> Iterator<List<T>> batches(Iterator<T> items, ToIntFunction<T> length) {
        return new Iterator<>() {
            private T carried;

            @Override
            public boolean hasNext() {
                return carried != null || items.hasNext();
            }

            @Override
            public List<T> next() {
                if (!hasNext()) throw new NoSuchElementException();
                List<T> batch = new ArrayList<>();
                int tokens = 0;
                while (carried != null || items.hasNext()) {
                    T next = carried != null ? carried : items.next();
                    carried = null;
                    int n = length.applyAsInt(next);
                    if (!admits(batch.size(), tokens, n)) {
                        carried = next;
                        break;
                    }
                    batch.add(next);
                    tokens += n;
                }
                return batch;
            }
        };
    }

    /** All batches of a list. */
    public <T> List<List<T>> split(List<T> items, ToIntFunction<T> length) {
        List<List<T>> out = new ArrayList<>();
        batches(items.iterator(), length).forEachRemaining(out::add);
        return out;
    }
}
