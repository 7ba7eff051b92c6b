package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/** Runs a row-wise in-place kernel over every row of a tensor, on the shared pool when the work is large. */
public final class Rows {
    private Rows() {}

    /** Below this many elements a kernel is cheaper than waking the pool. */
    private static final long PARALLEL_MIN_ELEMENTS = 1 << 15;

    /** Rejects tensors whose last axis is not unit-stride: in-place kernels read rows as vectors. */
    static void requireContiguousRows(String op, Tensor x) {
        if (!x.hasContiguousRows()) {
            throw new IllegalArgumentException(op + " needs rows with unit stride along the last axis, got shape "
                    + Arrays.toString(x.shape()) + " strides " + Arrays.toString(x.strides()));
        }
    }

    static int rowLength(Tensor x) {
        return x.rank() == 0 ? 1 : x.dim(x.rank() - 1);
    }

    /**
     * Calls {@code body} with every row index of {@code x}, possibly from several threads: in chunks
     * of consecutive rows on the shared pool once x holds 32K elements, else on the caller.
     */
    public static void forEach(Tensor x, LongConsumer body) {
        long rows = x.rows();
        long elements = x.size();
        if (rows < 2 || elements < PARALLEL_MIN_ELEMENTS) {
            for (long r = 0; r < rows; r++) body.accept(r);
            return;
        }
        ComputePool pool = ComputePool.shared();
        int chunks = (int) Math.min(rows, Math.max(1, Math.min(pool.threads() * 4L, elements / PARALLEL_MIN_ELEMENTS)));
        Chunks loop = Chunks.OF_THREAD.get();
        if (loop.body != null) loop = new Chunks(); // a row kernel run from inside another's rows
        loop.rows = rows;
        loop.chunks = chunks;
        loop.body = body;
        try {
            pool.parallelFor(chunks, loop);
        } finally {
            loop.body = null;
        }
    }

    /**
     * The parallel loop over chunks of rows, one per thread and refilled by each call, so that a
     * large row kernel hands the pool no new loop body (a capturing lambda per call otherwise).
     */
    private static final class Chunks implements IntConsumer {
        private static final ThreadLocal<Chunks> OF_THREAD = ThreadLocal.withInitial(Chunks::new);

        private long rows;
        private int chunks;
        /** The kernel's row body while a call runs; null while free. */
        private LongConsumer body;

        @Override
        public void accept(int c) {
            long from = rows * c / chunks;
            long to = rows * (c + 1) / chunks;
            for (long r = from; r < to; r++) body.accept(r);
        }
    }
}
