package dev.javelin.kernels;

import static dev.javelin.kernels.MicroKernel.MR;
import static dev.javelin.kernels.MicroKernel.MR_WIDE;
import static dev.javelin.kernels.MicroKernel.NR;
import static dev.javelin.kernels.MicroKernel.NR_F32;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * Matrix products. Inputs are 2-D (or 3-D for {@link #batched}) views of any strides, so transpose
 * views and row slices work without copies. The output is overwritten.
 *
 * <p>All three take any tensor views (transposed, sliced), run on a {@link ComputePool}, and are
 * correct for every shape, including empty ones (K = 0 gives C = 0). As in BLAS, C must not share
 * elements with A or B.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * K slice. Each slice is one more pass over the task's C block; 512 measured ~6% faster than the
     * textbook 256 (a 512×16 B slice is 32 KB and streams from L2 fine) and no slower than 768 or
     * 1024 on the 2-core EPYC.
     */
    static final int KC = 512;
    /** M block in micro-panels: a 96×512 block of A is 192 KB, inside a 512 KB L2. */
    static final int MC_PANELS = 16;
    /**
     * Up to this K (4 slices, a 768 KB block of A) a task packs its rows of A for all K slices at
     * once, reading each row of A from end to end, rather than a slice at a time: that reads 2 KB
     * pieces a whole row apart, which the prefetchers barely follow, and the FFN down product's A
     * (1536-float rows, from L3) packed at ~10 GB/s a thread (docs/kernels.md, stop 28).
     */
    static final int WHOLE_A_K = 4 * KC;
    /** Parallel tasks per thread to aim for, and the smallest M block worth a task (in micro-panels). */
    private static final int TASKS_PER_THREAD = 4;
    private static final int MIN_BLOCK_PANELS = 4;
    /** Largest packed B chunk in floats (16 MB); N is processed in chunks beyond that. */
    private static final long B_PACK_BUDGET = 1L << 22;
    /**
     * Floats of B (K·N, 4 MB) from which a product that packs B per call runs one K slice at a time
     * ({@link #compute}). Measured on the Zen 5, same JVM, alternating: 2048² +11% on 2 threads and
     * +13% on one, 384×4096×1536 (a weight gradient's shape) +14% / +23%, 1024² +1–2% / even; below
     * it, where B stays in cache whole, slicing cost 2–3% (4096×768×768, 4096×1536×384: docs/kernels.md).
     */
    static final long SLICE_K_FROM = 1L << 20;
    /**
     * A product over a per-call B on a pool of at most this many threads, split by rows only, has
     * each thread pack its own copy of B ({@link #multiplyChunk}). Measured on 2 threads; with more,
     * every thread would read all of B from memory once more, which was not measured.
     */
    static final int OWN_B_THREADS = 2;
    /** Largest B chunk (in floats, 4 MB) that each thread packs a copy of. */
    static final long OWN_B_FLOATS = 1L << 20;
    /** Below ~20 µs of work a product runs on the caller alone: waking workers would cost more. */
    private static final double MIN_FLOPS_PER_THREAD = 2e6;

    private static final PackBuffers A_BLOCKS = new PackBuffers();
    private static final PackBuffers B_PANELS = new PackBuffers();
    private static final PackBuffers C_BLOCKS = new PackBuffers();
    private static final PackBuffers B_SLICES = new PackBuffers();
    /**
     * Row tiles from which a block widens each int8/16-bit panel slice once (KC·NR floats, in L2)
     * and runs the F32 tile over it, rather than widening in registers in every tile: widening costs
     * two or three instructions per B vector, which a compute-bound product (a batch of long
     * sequences) pays once per tile, i.e. ~10% measured at b32x128; one short request (one or two
     * tiles) streams the narrow panels straight into registers, where the bytes saved matter.
     */
    static final int WIDEN_ONCE_TILES = 4;
    /**
     * Row panels beyond which a product over a narrow weight widens the whole weight once, up front
     * (a transient F32 copy, K·N floats), instead of once per block of rows: past one block (128 rows
     * at MR = 8) the blocks would widen it several times over, which cost int8 3% against F32 at
     * b32x128 (4096 rows, 32 blocks); an F32 copy read by every block is what the F32 product reads.
     */
    static final int WIDEN_WHOLE_PANELS = MC_PANELS;

    /** C[M,N] = A[M,K] · B[K,N], on the shared pool. */
    public static void matmul(Tensor a, Tensor b, Tensor c) {
        matmul(a, b, c, ComputePool.shared());
    }

    /** C[M,N] = A[M,K] · B[K,N]. */
    public static void matmul(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("matmul B", b, 2);
        requireProduct("matmul", a, b, b, c);
        compute(a, b, c, pool, true);
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ — what a linear layer with PyTorch-layout weights needs — on the shared pool. */
    public static void matmulTransB(Tensor a, Tensor b, Tensor c) {
        matmulTransB(a, b, c, ComputePool.shared());
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ. */
    public static void matmulTransB(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("matmulTransB B", b, 2);
        requireProduct("matmulTransB", a, b, b.t(), c);
        compute(a, b.t(), c, pool, true);
    }

    /**
     * C[M,N] = activation(A[M,K] · W + bias + residual[M,N]), then the epilogue's layer norm of each
     * row if it has one, over a weight packed at load time: nothing is packed per call, and the
     * epilogue runs on each output block while it is in cache. {@code residual} may be null; it may
     * be C itself (C += …) but no other view overlapping C, A or W.
     */
    public static void matmul(Tensor a, PackedWeight w, Epilogue epilogue, Tensor residual, Tensor c, ComputePool pool) {
        requireRank("matmul A", a, 2);
        requireRank("matmul C", c, 2);
        if (a.dim(1) != w.k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · packed weight [" + w.k + ", " + w.n + "]");
        }
        c.requireShape("matmul C", a.dim(0), w.n);
        if (residual != null) residual.requireShape("matmul residual", a.dim(0), w.n);
        if (epilogue.bias() != null) epilogue.bias().requireShape("matmul bias", w.n);
        LayerNormKernel.Parameters norm = epilogue.layerNorm();
        if (norm != null) {
            if (norm.width() != w.n) {
                throw new IllegalArgumentException("matmul: a layer norm over " + norm.width() + " columns after a product with "
                        + w.n + " columns");
            }
            Rows.requireContiguousRows("matmul C followed by a layer norm", c);
        }
        int m = a.dim(0), n = w.n, k = w.k;
        if (m == 0 || n == 0) return;
        if (k == 0) {
            throw new IllegalArgumentException("matmul: packed weight has no rows (K = 0)");
        }
        Operands ops = operands(a, null, c, epilogue, residual, w.scales, m, n, k);
        try {
            multiply(ops, w, pool, threads(pool, m, n, k, true));
            // the tasks split C's rows (a short A, split along N): the norm is a pass of its own
            if (norm != null && !ops.normalisesRows) LayerNormKernel.apply(c, norm.gamma(), norm.beta(), norm.eps());
        } finally {
            ops.release();
        }
    }

    private static void multiply(Operands ops, PackedWeight w, ComputePool pool, int threads) {
        int n = w.n, k = w.k;
        if (w.format == PackedWeight.Format.F32 || ceilDiv(ops.m, MR) <= WIDEN_WHOLE_PANELS) {
            multiplyChunk(ops, 0, n, w, pool, threads);
            return;
        }
        // A tall A (a batch of long sequences) would widen every panel slice once per block of rows:
        // widen the whole weight once instead, into the F32 tile's panel width, and run the F32
        // product; the int8 scales stay in ops.
        float[] widened = B_PANELS.take(roundUp(n, NR_F32) * k);
        try {
            int panelsN = ceilDiv(n, NR_F32), tasks = Math.min(panelsN, TASKS_PER_THREAD * threads);
            pool.parallelFor(tasks, t -> {
                for (int q = panelsN * t / tasks; q < panelsN * (t + 1) / tasks; q++) WideningMicroKernel.widenPanel(w, q, widened);
            });
            multiplyChunk(ops, 0, n, PackedWeight.perCall(widened, k, n, NR_F32), pool, threads);
        } finally {
            B_PANELS.give(widened);
        }
    }

    /** {@link #matmul(Tensor, PackedWeight, Epilogue, Tensor, Tensor, ComputePool)} on the shared pool. */
    public static void matmul(Tensor a, PackedWeight w, Epilogue epilogue, Tensor residual, Tensor c) {
        matmul(a, w, epilogue, residual, c, ComputePool.shared());
    }

    /** C[i] = A[i] · B[i] for every i: A[B,M,K], B[B,K,N], C[B,M,N], on the shared pool. */
    public static void batched(Tensor a, Tensor b, Tensor c) {
        batched(a, b, c, ComputePool.shared());
    }

    /** C[i] = A[i] · B[i] for every i: A[B,M,K], B[B,K,N], C[B,M,N]. */
    public static void batched(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("batched A", a, 3);
        requireRank("batched B", b, 3);
        requireRank("batched C", c, 3);
        int batch = a.dim(0);
        if (b.dim(0) != batch || c.dim(0) != batch) {
            throw new IllegalArgumentException("batched matmul: batch sizes differ: A " + Arrays.toString(a.shape())
                    + ", B " + Arrays.toString(b.shape()) + ", C " + Arrays.toString(c.shape()));
        }
        int m = a.dim(1), k = a.dim(2), n = b.dim(2);
        if (b.dim(1) != k) {
            throw new IllegalArgumentException("batched matmul: inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · B " + Arrays.toString(b.shape()));
        }
        c.requireShape("batched C", batch, m, n);
        if (batch == 0) return;
        double flopsEach = 2.0 * m * n * k;
        if (batch >= pool.threads() && flopsEach < MIN_FLOPS_PER_THREAD * pool.threads()) {
            // many small products (attention heads): one per task beats splitting each one
            pool.parallelFor(batch, i -> compute(a.get0(i), b.get0(i), c.get0(i), pool, false));
        } else {
            for (int i = 0; i < batch; i++) compute(a.get0(i), b.get0(i), c.get0(i), pool, true);
        }
    }

    /** Checks A[M,K]·B[K,N] = C[M,N]; {@code given} is B as the caller passed it, for the message. */
    private static void requireProduct(String op, Tensor a, Tensor given, Tensor b, Tensor c) {
        requireRank(op + " A", a, 2);
        requireRank(op + " C", c, 2);
        if (b.dim(0) != a.dim(1)) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · B " + Arrays.toString(given.shape()) + (given == b ? "" : "ᵀ"));
        }
        c.requireShape(op + " C", a.dim(0), b.dim(1));
    }

    static void requireRank(String what, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(what + ": expected a " + rank + "-D tensor, got shape "
                    + Arrays.toString(t.shape()));
        }
    }

    /**
     * The blocked product (Goto/BLIS scheme). For each chunk of N: pack B[:, chunk] into NR_F32-wide
     * panels (in parallel, or a copy per thread: {@link #multiplyChunk}); then split the M×N chunk into a grid of blocks, one task each. A task
     * walks K in KC slices: copy its rows of A[:, slice] into a block that stays in L2, then for
     * every B panel run the micro-kernel down the block over the panel's KC×NR_F32 slice.
     *
     * <p>Where B packed whole would reach {@link #SLICE_K_FROM}, the product runs one K slice at a
     * time instead, as OpenBLAS does: each slice's packed B is at most KC rows, packed just before
     * its use and read from cache by every block, at the price of reading and writing C once more
     * per slice. Whole, every block streamed all of B's panels from memory. C gets the slices' sums
     * through the epilogue's residual (C itself), the same addition, in the same order, as the
     * micro-kernel's accumulation across slices: the bits do not change.
     */
    private static void compute(Tensor a, Tensor b, Tensor c, ComputePool pool, boolean allowParallel) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            MemorySegment cs = Simd.shareable(c.segment());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) cs.setAtIndex(Tensor.F32, c.offset() + i * c.stride(0) + j * c.stride(1), 0f);
            }
            return;
        }
        int threads = threads(pool, m, n, k, allowParallel);
        if (!runsKSliceBySlice(k, n)) {
            product(a, b, c, null, pool, threads);
            return;
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            product(a.slice(1, k0, k1), b.slice(0, k0, k1), c, k0 == 0 ? null : c, pool, threads);
        }
    }

    /** Whether {@link #compute} runs a K×N per-call B one K slice at a time: K beyond one slice, B from {@link #SLICE_K_FROM}. */
    static boolean runsKSliceBySlice(int k, int n) {
        return k > KC && (long) k * n >= SLICE_K_FROM;
    }

    /** {@link #compute}'s product over B packed per call: C = A·B, or A·B + residual. */
    private static void product(Tensor a, Tensor b, Tensor c, Tensor residual, ComputePool pool, int threads) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Operands ops = operands(a, b, c, Epilogue.NONE, residual, null, m, n, k);
        int chunk = chunkColumns(n, k);
        try {
            for (int c0 = 0; c0 < n; c0 += chunk) multiplyChunk(ops, c0, Math.min(n, c0 + chunk), null, pool, threads);
        } finally {
            ops.release();
        }
    }

    /** Columns of B packed at a time: all of them, unless K·N passes {@link #B_PACK_BUDGET}. */
    private static int chunkColumns(int n, int k) {
        return (int) Math.max(NR_F32, Math.min(roundUp(n, NR_F32), B_PACK_BUDGET / k / NR_F32 * NR_F32));
    }

    /**
     * Packs B[:, c0:c1] into NR_F32-wide panels (on one thread without the pool, which may then be
     * null), in parallel when the product is: each task packs a range of B's rows across all panels,
     * so that it reads whole rows of a row-major B (splitting by panels read NR_F32 floats per row,
     * a page apart at N = 1024: 1 thread 102 -> 105 GFLOP/s).
     */
    private static void packChunk(Operands o, int c0, int c1, float[] packedB, ComputePool pool, int threads) {
        int panelsN = ceilDiv(c1 - c0, NR_F32), k = o.k;
        if (threads == 1) {
            Packing.packB(o.b, o.bOff, o.brs, o.bcs, k, 0, k, c0, c1, 0, panelsN, NR_F32, packedB);
            return;
        }
        int packTasks = Math.min(k, TASKS_PER_THREAD * threads);
        pool.parallelFor(packTasks, t -> {
            int k0 = (int) ((long) k * t / packTasks), k1 = (int) ((long) k * (t + 1) / packTasks);
            Packing.packB(o.b, o.bOff, o.brs, o.bcs, k, k0, k1 - k0, c0, c1, 0, panelsN, NR_F32, packedB);
        });
    }

    /** Threads worth waking for an M×N×K product: below ~20 µs of work each, the hand-off costs more than it saves. */
    private static int threads(ComputePool pool, int m, int n, int k, boolean allowParallel) {
        double flops = 2.0 * m * n * k;
        return allowParallel ? (int) Math.min(pool.threads(), Math.max(1, flops / MIN_FLOPS_PER_THREAD)) : 1;
    }

    private static Operands operands(Tensor a, Tensor b, Tensor c, Epilogue epilogue, Tensor residual, float[] scales,
                                     int m, int n, int k) {
        Tensor bias = epilogue.bias();
        return Operands.take().layerNorm(epilogue.layerNorm()).set(Simd.shareable(a.segment()), a.offset(), a.stride(0), a.stride(1),
                b == null ? null : Simd.shareable(b.segment()), b == null ? 0 : b.offset(),
                b == null ? 0 : b.stride(0), b == null ? 0 : b.stride(1),
                Simd.shareable(c.segment()), c.offset(), c.stride(0), c.stride(1),
                bias == null ? null : Simd.shareable(bias.segment()), bias == null ? 0 : bias.offset(),
                residual == null ? null : Simd.shareable(residual.segment()), residual == null ? 0 : residual.offset(),
                residual == null ? 0 : residual.stride(0), residual == null ? 0 : residual.stride(1),
                scales, epilogue.activation() == Epilogue.Activation.GELU, m, n, k);
    }

    /**
     * Multiplies A by the packed panels of columns [c0, c1) in a grid of M×N blocks, one task each.
     * Equal-sized tasks, TASKS_PER_THREAD per thread where M allows (blocks of at least
     * MIN_BLOCK_PANELS), in a multiple of the thread count: on a machine shared with other work a
     * thread can be descheduled mid-product, and small tasks let the others take over its share
     * instead of waiting. A short A (one request of a few tokens) is split along N only, so every
     * weight panel is streamed from memory by one thread, once. A tall A's 2·threads blocks in the
     * middle are half-size: claimed last, they let the threads finish closer together than whole
     * blocks do.
     *
     * <p>{@code packedB} null means B[:, c0:c1] of the operands, packed here: up front, into panels
     * that every thread reads, or, where the tasks split rows only on a pool of at most
     * {@link #OWN_B_THREADS} threads, by each thread into a copy of its own before its first block.
     * The project's 2-core machines share no cache between their cores (a line written by one
     * reaches the other in ~250 ns, measured on the Zen 5), so each thread's tasks read half of a
     * shared B from the other core; a copy of its own costs one more read of B from memory. Same
     * JVM, alternating, 2 threads: 1024² +3.3%, 512² +7%, 2048² +1.5% (docs/kernels.md).
     */
    private static void multiplyChunk(Operands o, int c0, int c1, PackedWeight packedB, ComputePool pool, int threads) {
        int nr = packedB == null ? NR_F32 : packedB.nr;
        int panelsN = ceilDiv(c1 - c0, nr);
        int mr = rows(nr);
        int panelsM = ceilDiv(o.m, mr);
        long grid = taskGrid(panelsM, panelsN, threads);
        int mBlocks = (int) (grid >>> 32), nBlocks = (int) grid;
        // Measured in docs/kernels.md (stop 29): 1024² on 2 threads +2%, where a thread waited up to a whole
        // block for the other; MiniLM's linears even.
        int halves = threads > 1 && nBlocks == 1 && mBlocks >= 2 * threads ? 2 * threads : 0;
        if (halves > 0) mBlocks += threads;
        o.normalisesRows = o.gamma != null && nBlocks == 1 && c1 - c0 == o.n && o.ccs == 1;
        int tasks = mBlocks * nBlocks;
        int mb = mBlocks, nb = nBlocks, hb = halves;
        boolean ownB = packedB == null && packsBPerThread(pool, threads, nBlocks, (long) panelsN * nr * o.k);
        float[] sharedB = packedB == null && !ownB ? B_PANELS.take(panelsN * nr * o.k) : null;
        // One block of rows split along N: its A is packed once here for all K slices (slice k0 at
        // k0·rows), instead of once per task.
        float[] sharedA = mBlocks == 1 && nBlocks > 1 ? A_BLOCKS.take(panelsM * mr * o.k) : null;
        try {
            if (sharedB != null) {
                packChunk(o, c0, c1, sharedB, pool, threads);
                packedB = PackedWeight.perCall(sharedB, o.k, c1 - c0, NR_F32);
            }
            if (sharedA != null) {
                for (int k0 = 0; k0 < o.k; k0 += KC) {
                    Packing.packA(o.a, o.aOff, o.ars, o.acs, 0, o.m, k0, Math.min(KC, o.k - k0), sharedA,
                            k0 * panelsM * mr, panelsM * mr);
                }
            }
            if (threads == 1) {
                for (int t = 0; t < tasks; t++) block(o, c0, c1, packedB, sharedA, t, mb, nb, hb, panelsM, panelsN);
                return;
            }
            pool.parallelFor(tasks, o.blockLoop(c0, c1, packedB, sharedA, mb, nb, hb, panelsM, panelsN));
        } finally {
            if (sharedA != null) A_BLOCKS.give(sharedA);
            if (sharedB != null) B_PANELS.give(sharedB);
            if (ownB) o.dropOwnB();
        }
    }

    /** The task grid of a block loop: its M blocks (high 32 bits) and N blocks (low 32 bits), before any half-size blocks. */
    private static long taskGrid(int panelsM, int panelsN, int threads) {
        int mBlocks = ceilDiv(panelsM, MC_PANELS);
        int nBlocks = 1;
        if (threads > 1) {
            if (panelsM <= MC_PANELS && panelsM < MIN_BLOCK_PANELS * threads) {
                nBlocks = Math.min(panelsN, TASKS_PER_THREAD * threads);
            } else {
                int want = Math.min(TASKS_PER_THREAD * threads, Math.max(1, panelsM / MIN_BLOCK_PANELS));
                mBlocks = Math.min(panelsM, roundUp(Math.max(mBlocks, want), threads));
            }
            while ((mBlocks * nBlocks) % threads != 0 && nBlocks < panelsN) nBlocks++;
        }
        return (long) mBlocks << 32 | nBlocks;
    }

    /** Whether the threads of a block loop over a per-call B each pack their own copy of it ({@link #multiplyChunk}). */
    private static boolean packsBPerThread(ComputePool pool, int threads, int nBlocks, long panelFloats) {
        return threads > 1 && pool.threads() <= OWN_B_THREADS && nBlocks == 1 && panelFloats <= OWN_B_FLOATS;
    }

    /** Whether a per-call product A[M,K]·B[K,N] on {@code pool} has each thread pack its own copy of B (the tests ask). */
    static boolean packsBPerThread(int m, int k, int n, ComputePool pool) {
        int threads = threads(pool, m, n, k, true);
        int kc = runsKSliceBySlice(k, n) ? KC : k;
        int panelsN = ceilDiv(Math.min(n, chunkColumns(n, kc)), NR_F32);
        int nBlocks = (int) taskGrid(ceilDiv(m, rows(NR_F32)), panelsN, threads);
        return packsBPerThread(pool, threads, nBlocks, (long) panelsN * NR_F32 * kc);
    }

    /**
     * One task: row panels [ip0, ip1) × column panels [jp0, jp1) of the chunk, over all of K. The
     * task's C block accumulates in a padded heap array (so edge tiles need no special case) and is
     * copied into C once at the end, through the epilogue. {@code sharedA}, when not null, holds all
     * of A packed already (a single row block). The {@code halves} middle ones of the {@code mBlocks}
     * row blocks are half the size of the others.
     */
    private static void block(Operands o, int c0, int c1, PackedWeight packedB, float[] sharedA, int task, int mBlocks,
                              int nBlocks, int halves, int panelsM, int panelsN) {
        int mi = task / nBlocks, ni = task % nBlocks;
        int ip0 = rowPanel(mi, mBlocks, halves, panelsM), ip1 = rowPanel(mi + 1, mBlocks, halves, panelsM);
        int jp0 = panelsN * ni / nBlocks, jp1 = panelsN * (ni + 1) / nBlocks;
        if (ip0 == ip1 || jp0 == jp1) return;
        int mr = rows(packedB.nr);
        int r0 = ip0 * mr, r1 = Math.min(o.m, ip1 * mr);
        int rowsPadded = (ip1 - ip0) * mr;
        int nr = packedB.nr;
        int ldc = (jp1 - jp0) * nr;
        int k = o.k;
        boolean packOnce = sharedA == null && k > KC && k <= WHOLE_A_K, packedOnce = packOnce || sharedA != null;
        float[] blockA = sharedA != null ? sharedA : A_BLOCKS.take(packOnce ? rowsPadded * k : MC_PANELS * mr * KC);
        float[] blockC = C_BLOCKS.take(rowsPadded * ldc);
        float[] slice = packedB.format == PackedWeight.Format.F32 ? null : B_SLICES.take(KC * NR);
        try {
            if (packOnce) Packing.packSlices(o.a, o.aOff, o.ars, o.acs, r0, r1, k, KC, blockA, rowsPadded);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                boolean accumulate = k0 > 0;
                int a0 = packedOnce ? k0 * rowsPadded : 0;
                if (!packedOnce) Packing.packA(o.a, o.aOff, o.ars, o.acs, r0, r1, k0, kc, blockA, 0, rowsPadded);
                for (int jp = jp0; jp < jp1; jp++) {
                    int bOff = (jp * k + k0) * nr;
                    int cCol = (jp - jp0) * nr;
                    float[] panel = packedB.panels;
                    int panelOff = bOff;
                    if (packedB.format != PackedWeight.Format.F32 && ip1 - ip0 >= WIDEN_ONCE_TILES) {
                        WideningMicroKernel.widen(packedB, bOff, kc * NR, slice, 0);
                        panel = slice;
                        panelOff = 0;
                    }
                    for (int ip = 0; ip < ip1 - ip0; ip++) {
                        int aOff = a0 + ip * mr * kc, cOff = ip * mr * ldc + cCol;
                        if (nr != NR) {
                            MicroKernel.tileWide(blockA, aOff, kc, panel, panelOff, kc, blockC, cOff, ldc, accumulate,
                                    r1 - r0 - ip * mr);
                        } else if (panel != null) {
                            MicroKernel.tile(blockA, aOff, kc, panel, panelOff, kc, blockC, cOff, ldc, accumulate);
                        } else if (packedB.format == PackedWeight.Format.INT8) {
                            WideningMicroKernel.tileInt8(blockA, aOff, kc, packedB.bytePanels, bOff, kc, blockC, cOff, ldc, accumulate);
                        } else {
                            WideningMicroKernel.tileHalf(blockA, aOff, kc, packedB.halfPanels, bOff, kc,
                                    blockC, cOff, ldc, accumulate, packedB.format == PackedWeight.Format.F16);
                        }
                    }
                }
            }
            int col0 = c0 + jp0 * nr;
            Packing.unpackC(blockC, ldc, o, r0, r1 - r0, col0, Math.min(c1, c0 + jp1 * nr) - col0);
        } finally {
            if (sharedA == null) A_BLOCKS.give(blockA);
            C_BLOCKS.give(blockC);
            if (slice != null) B_SLICES.give(slice);
        }
    }

    /**
     * The first row panel of M block {@code mi}: whole blocks count twice, the {@code halves} blocks
     * in the middle once. The pool hands out indices from both ends (the caller's from the front,
     * the workers' from the back), so the middle ones are claimed last.
     */
    private static int rowPanel(int mi, int mBlocks, int halves, int panelsM) {
        int whole = mBlocks - halves, h0 = whole / 2;
        long weight = 2L * Math.min(mi, h0) + Math.clamp(mi - h0, 0, halves) + 2L * Math.max(0, mi - h0 - halves);
        return (int) (panelsM * weight / (2L * whole + halves));
    }

    /**
     * The matrices of one product (shareable segments, element offsets and strides; B is null when
     * it is packed already) and its epilogue: per-column scales of an int8 weight (null for none),
     * bias (null for none), residual (null for none), GELU, the layer norm of each row (null gamma
     * for none). Also the body of the product's parallel block loop. One per thread, refilled by its
     * next product, so that a product allocates neither an operand record nor a capturing lambda (a
     * short request runs ~30 products a pass).
     */
    static final class Operands {
        private static final ThreadLocal<Operands> OF_THREAD = ThreadLocal.withInitial(Operands::new);

        private boolean inUse;
        private MemorySegment a, b, c, bias, residual;
        private long aOff, ars, acs, bOff, brs, bcs, cOff, crs, ccs, biasOff, resOff, resRs, resCs;
        private float[] scales;
        private boolean gelu;
        private MemorySegment gamma, beta;
        private long gammaBase, betaBase;
        private float eps;
        /** Whether the running block loop's tasks own whole rows of C and normalise each as they write it. */
        private boolean normalisesRows;
        private int m, n, k;
        /** The running block loop of {@link #multiplyChunk}: its parameters, and the loop body that reads them. */
        private int c0, c1, mBlocks, nBlocks, halves, panelsM, panelsN;
        private PackedWeight packedB;
        private float[] sharedA;
        private final IntConsumer blockTask = t -> block(this, c0, c1, packedB != null ? packedB : ownB(), sharedA, t, mBlocks,
                nBlocks, halves, panelsM, panelsN);
        /** Where the running block loop's threads pack their own B (packedB null): slot i is owners[i]'s copy. */
        private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(OWN_B_THREADS);
        private final float[][] ownPanels = new float[OWN_B_THREADS][];
        private final PackedWeight[] ownPacked = new PackedWeight[OWN_B_THREADS];

        /** This thread's copy of the running loop's B chunk, packed on its first block (only it reads or writes its slot). */
        private PackedWeight ownB() {
            Thread me = Thread.currentThread();
            for (int i = 0; i < OWN_B_THREADS; i++) {
                Thread owner = owners.get(i);
                if (owner == me) return ownPacked[i];
                if (owner == null && owners.compareAndSet(i, null, me)) {
                    float[] panels = B_PANELS.take(panelsN * NR_F32 * k);
                    ownPanels[i] = panels;
                    packChunk(this, c0, c1, panels, null, 1);
                    return ownPacked[i] = PackedWeight.perCall(panels, k, c1 - c0, NR_F32);
                }
            }
            throw new IllegalStateException("more threads ran a product's blocks than its pool has");
        }

        /** After the block loop (every task done): gives the threads' copies of B back. */
        void dropOwnB() {
            for (int i = 0; i < OWN_B_THREADS; i++) {
                if (ownPanels[i] != null) B_PANELS.give(ownPanels[i]);
                ownPanels[i] = null;
                ownPacked[i] = null;
                owners.set(i, null);
            }
        }

        /** This thread's operands, or new ones while they are in use (a product issued from inside another's loop body). */
        static Operands take() {
            Operands o = OF_THREAD.get();
            if (o.inUse) o = new Operands();
            o.inUse = true;
            return o;
        }

        Operands set(MemorySegment a, long aOff, long ars, long acs, MemorySegment b, long bOff, long brs, long bcs,
                     MemorySegment c, long cOff, long crs, long ccs, MemorySegment bias, long biasOff,
                     MemorySegment residual, long resOff, long resRs, long resCs,
                     float[] scales, boolean gelu, int m, int n, int k) {
            this.a = a; this.aOff = aOff; this.ars = ars; this.acs = acs;
            this.b = b; this.bOff = bOff; this.brs = brs; this.bcs = bcs;
            this.c = c; this.cOff = cOff; this.crs = crs; this.ccs = ccs;
            this.bias = bias; this.biasOff = biasOff;
            this.residual = residual; this.resOff = resOff; this.resRs = resRs; this.resCs = resCs;
            this.scales = scales; this.gelu = gelu; this.m = m; this.n = n; this.k = k;
            return this;
        }

        /** The epilogue's layer norm ({@code null} for none). */
        Operands layerNorm(LayerNormKernel.Parameters p) {
            gamma = p == null ? null : Simd.shareable(p.gamma().segment());
            gammaBase = p == null ? 0 : p.gamma().byteOffset();
            beta = p == null ? null : Simd.shareable(p.beta().segment());
            betaBase = p == null ? 0 : p.beta().byteOffset();
            eps = p == null ? 0 : p.eps();
            normalisesRows = false;
            return this;
        }

        IntConsumer blockLoop(int c0, int c1, PackedWeight packedB, float[] sharedA, int mBlocks, int nBlocks,
                              int halves, int panelsM, int panelsN) {
            this.c0 = c0; this.c1 = c1; this.packedB = packedB; this.sharedA = sharedA;
            this.mBlocks = mBlocks; this.nBlocks = nBlocks; this.halves = halves; this.panelsM = panelsM; this.panelsN = panelsN;
            return blockTask;
        }

        /** Done with the product: drops its references (tensors, buffers) and frees these operands for the next. */
        void release() {
            set(null, 0, 0, 0, null, 0, 0, 0, null, 0, 0, 0, null, 0, null, 0, 0, 0, null, false, 0, 0, 0);
            blockLoop(0, 0, null, null, 0, 0, 0, 0, 0);
            layerNorm(null);
            inUse = false;
        }

        MemorySegment a() { return a; }
        long aOff() { return aOff; }
        long ars() { return ars; }
        long acs() { return acs; }
        MemorySegment b() { return b; }
        long bOff() { return bOff; }
        long brs() { return brs; }
        long bcs() { return bcs; }
        MemorySegment c() { return c; }
        long cOff() { return cOff; }
        long crs() { return crs; }
        long ccs() { return ccs; }
        MemorySegment bias() { return bias; }
        long biasOff() { return biasOff; }
        MemorySegment residual() { return residual; }
        long resOff() { return resOff; }
        long resRs() { return resRs; }
        long resCs() { return resCs; }
        float[] scales() { return scales; }
        boolean gelu() { return gelu; }
        boolean normalisesRows() { return normalisesRows; }
        MemorySegment gamma() { return gamma; }
        long gammaBase() { return gammaBase; }
        MemorySegment beta() { return beta; }
        long betaBase() { return betaBase; }
        float eps() { return eps; }
        int m() { return m; }
        int n() { return n; }
        int k() { return k; }
    }

    /** Rows of the tile that runs over panels {@code nr} wide: the 4-vector F32 tile's, or the 2-vector tiles'. */
    private static int rows(int nr) {
        return nr == NR ? MR : MR_WIDE;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
