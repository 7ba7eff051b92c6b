package dev.javelin.batch;

import dev.javelin.pipelines.Progress;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Runs a model over a file, chunk by chunk, in three overlapping stages: a reader thread parses
 * records into chunks and has them tokenized on every core (a fork-join pool, so one chunk's rows
 * spread over all workers); this thread runs each chunk's batches through the model (which uses
 * every core per pass); a committer thread writes and commits each finished chunk while the next
 * one computes. Chunks are processed and committed in order, and batches never cross a chunk, so a
 * resumed run forms exactly the batches an uninterrupted one does and writes the same bytes.
 */
public final class BatchJob {
    /** Chunks read and tokenized ahead of the model: enough to keep it fed, bounded so memory is. */
    private static final int LOOKAHEAD = 2;
    /**
     * Chunks computed but not yet committed. A commit waits for fsync, which on a busy disk can take
     * longer than computing a chunk; letting a few queue keeps the model from waiting on the disk.
     */
    private static final int COMMITS_IN_FLIGHT = 4;
    private static final System.Logger LOG = System.getLogger(BatchJob.class.getName());

    private final BatchOptions options;
    private final RowModel model;

    public BatchJob(BatchOptions options, RowModel model) {
        this.options = options;
        this.model = model;
    }

    /**
     * What a finished job did.
     *
     * @param finishSeconds of {@code seconds}, the time from the last chunk's commit to the output in place
     */
    public record Summary(long rows, long badRows, long resumedRows, double seconds, double finishSeconds) {
        public double rowsPerSecond() {
            return (rows - resumedRows) / Math.max(seconds, 1e-9);
        }
    }

    private record Chunk(int index, List<InputRow> rows, List<Encoding> encodings, List<BadRow> bad) {
        static final Chunk END = new Chunk(-1, List.of(), List.of(), List.of());
    }

    public Summary run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        OutputSchema schema = OutputSchema.of(options.task(), options.columns());
        ChunkStore store = new ChunkStore(options.output(), options.badRows(), options.outputFormat(), schema);
        int committed = store.open(JobManifest.of(options.input(), options.task(), options.model(), model.dtype(), options.columns(),
                options.outputFormat(), options.chunkRows()));
        if (committed < 0) {
            LOG.log(System.Logger.Level.INFO, "{0} was already complete; removed the leftover {1}", options.output(),
                    store.directory());
            return new Summary(0, 0, 0, 0, 0);
        }
        long resumed = (long) committed * options.chunkRows();
        if (committed > 0) {
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "resuming after %d committed chunks (%d rows) in %s",
                    committed, resumed, store.directory()));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        ForkJoinPool tokenizers = new ForkJoinPool(cores);
        ExecutorService committer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("javelin-batch-commit").factory());
        BlockingQueue<Future<Chunk>> chunks = new ArrayBlockingQueue<>(LOOKAHEAD);
        Thread reader = Thread.ofPlatform().name("javelin-batch-read").daemon().start(() -> read(committed, tokenizers, chunks));
        int next = committed;
        long rows = resumed;
        boolean done = false;
        try (RowReader counter = RowReader.open(options.input(), options.inputFormat(), options.columns());
             Progress progress = new Progress(options.task().name().toLowerCase(Locale.ROOT), "rows", counter.estimatedRows(), resumed)) {
            java.util.ArrayDeque<Future<?>> pending = new java.util.ArrayDeque<>();
            while (true) {
                Chunk chunk = get(chunks.take());
                if (chunk == Chunk.END) break;
                if (options.failFast() && !chunk.bad().isEmpty()) throw new BadRowException(options.input(), chunk.bad().getFirst());
                List<Result> results = compute(chunk);
                if (pending.size() == COMMITS_IN_FLIGHT) get(pending.removeFirst());
                pending.addLast(committer.submit(() -> {
                    store.commit(chunk.index(), results, chunk.bad());
                    return null;
                }));
                next = chunk.index() + 1;
                rows += chunk.rows().size() + chunk.bad().size();
                progress.advance(chunk.rows().size() + chunk.bad().size());
            }
            while (!pending.isEmpty()) get(pending.removeFirst());
            done = true;
        } finally {
            reader.interrupt();
            committer.shutdownNow();
            tokenizers.shutdownNow();
            if (!done) store.abandon();
        }
        long finish = System.nanoTime();
        long bad = store.finish(next);
        long end = System.nanoTime();
        return new Summary(rows, bad, resumed, (end - start) / 1e9, (end - finish) / 1e9);
    }

    /** Reads records after the committed chunks and queues their chunks' tokenization, in order. */
    private void read(int skipChunks, ForkJoinPool tokenizers, BlockingQueue<Future<Chunk>> out) {
        try (RowReader in = RowReader.open(options.input(), options.inputFormat(), options.columns())) {
            long skip = (long) skipChunks * options.chunkRows();
            List<InputRow> rows = new ArrayList<>(options.chunkRows());
            int chunk = skipChunks;
            for (InputRow r; (r = in.next()) != null; ) {
                if (r.index() < skip) continue;
                rows.add(r);
                if (rows.size() == options.chunkRows()) {
                    out.put(tokenize(chunk++, rows, tokenizers));
                    rows = new ArrayList<>(options.chunkRows());
                }
            }
            if (!rows.isEmpty()) out.put(tokenize(chunk, rows, tokenizers));
            out.put(CompletableFuture.completedFuture(Chunk.END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            try {
                out.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Future<Chunk> tokenize(int index, List<InputRow> records, ForkJoinPool tokenizers) {
        return tokenizers.submit(() -> {
            Encoding[] encoded = new Encoding[records.size()];
            String[] errors = new String[records.size()];
            java.util.stream.IntStream.range(0, records.size()).parallel().forEach(i -> {
                InputRow r = records.get(i);
                if (r.isBad()) {
                    errors[i] = r.bad();
                    return;
                }
                try {
                    encoded[i] = model.encode(r);
                } catch (IllegalArgumentException e) {
                    errors[i] = e.getMessage();
                }
            });
            List<InputRow> good = new ArrayList<>(records.size());
            List<Encoding> encodings = new ArrayList<>(records.size());
            List<BadRow> bad = new ArrayList<>();
            for (int i = 0; i < encoded.length; i++) {
                if (errors[i] != null) {
                    bad.add(new BadRow(records.get(i).line(), errors[i]));
                } else {
                    good.add(records.get(i));
                    encodings.add(encoded[i]);
                }
            }
            return new Chunk(index, good, encodings, bad);
        });
    }

    private List<Result> compute(Chunk chunk) {
        List<Integer> order = java.util.stream.IntStream.range(0, chunk.rows().size()).boxed().toList();
        List<Result> out = new ArrayList<>(order.size());
        List<List<Integer>> batches = model.batches(order, i -> chunk.encodings().get(i).ids().length);
        for (List<Integer> batch : batches) {
            out.addAll(model.run(batch.stream().map(chunk.rows()::get).toList(), batch.stream().map(chunk.encodings()::get).toList()));
        }
        return out;
    }

    private static <T> T get(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case UncheckedIOException io -> throw io.getCause();
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }
}
