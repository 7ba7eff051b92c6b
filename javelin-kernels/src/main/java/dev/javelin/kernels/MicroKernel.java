package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked inner loops of {@link MatMul}: an MR-row tile of C held in vector
 * accumulators while k runs. Per k step a tile loads the vectors of one row of the packed B panel,
 * broadcasts MR values of A and issues one FMA per accumulator.
 *
 * <p>The shape is chosen once, at start-up, from the register file the CPU has: the accumulators
 * plus the B vectors plus one broadcast must fit. AVX2 has 16 vector registers: 6 rows × 2 vectors
 * (15 live), over panels of {@link #NR} = 2 vectors. AVX-512 (and NEON/SVE) have 32: F32 panels are
 * {@link #NR_F32} = 4 vectors wide and the tile is 6 rows × 4 vectors (29 live), which loads 10
 * operands per 24 FMAs instead of 10 per 16 in the 8 × 2-vector tile used before: measured on a
 * Zen 4 EPYC (512-bit FMAs double-pumped, one zmm FMA per cycle per core), one tile over a
 * 512-deep L2-resident panel ran 110-115 GFLOP/s against 104-106 for 8 × 2 vectors (peak 117).
 * A last tile of at most 4 valid rows runs 4 × 4 vectors, so a 16-row product (one short request)
 * computes 6 + 6 + 4 rows, not 18. Narrow weights (int8, bf16, f16) keep 2-vector panels and
 * {@link WideningMicroKernel}'s tiles. {@code -Djavelin.matmul.rows=6|8} and
 * {@code -Djavelin.matmul.vectors=2|4} override, so the tests run every shape at every vector width
 * the CPU offers.
 *
 * <p>Every operand is a heap array: measured on the 2-core EPYC, touching a {@code MemorySegment}
 * in this method (even only after the loop) made C2's code for the whole method run at less than
 * half speed, while the same loop over arrays runs near the FMA peak. A is read from a row-major
 * block (one broadcast per row and step), which also measured twice as fast as the classic k-major
 * [k][MR] packing; C is a padded heap block, so there are no partial tiles here.
 */
final class MicroKernel {
    private MicroKernel() {}

    static {
        JitSettings.check();
    }

    /** Vectors per row of an F32 tile and panel: 4 where 32 registers hold {@link #MR_WIDE} × 4 accumulators, else 2. */
    static final int F32_VECTORS = vectors(Integer.getInteger("javelin.matmul.vectors", Simd.REGISTERS >= 32 ? 4 : 2));
    /**
     * Rows of the 2-vector tiles: those of every int8/16-bit weight, and of F32 where
     * {@link #F32_VECTORS} is 2. 8 × 2 accumulators fit in 32 registers; a short request's 16 rows
     * are then two tiles rather than three, which measured 10–17% faster for int8 weights.
     */
    static final int MR = rows(Integer.getInteger("javelin.matmul.rows", Simd.REGISTERS >= 32 ? 8 : 6));
    /** Rows of the 4-vector F32 tile (6 × 4 accumulators; the last 4 rows or fewer take a 4 × 4 tile). */
    static final int MR_WIDE = 6;
    /** Columns of a narrow weight's panel (and of the 2-vector tiles): two vectors. */
    static final int NR = 2 * F.length();
    /** Columns of an F32 panel: {@link #F32_VECTORS} vectors. */
    static final int NR_F32 = F32_VECTORS * F.length();

    private static int rows(int rows) {
        if (rows != 6 && rows != 8) throw new IllegalArgumentException("-Djavelin.matmul.rows must be 6 or 8, got " + rows);
        return rows;
    }

    private static int vectors(int vectors) {
        if (vectors != 2 && vectors != 4) throw new IllegalArgumentException("-Djavelin.matmul.vectors must be 2 or 4, got " + vectors);
        if (vectors == 4 && Simd.REGISTERS < 32) {
            throw new IllegalArgumentException("-Djavelin.matmul.vectors=4 needs 32 vector registers; this CPU has " + Simd.REGISTERS);
        }
        return vectors;
    }

    /**
     * C[0:MR_WIDE, 0:NR_F32] (=|+=) A[0:MR_WIDE, 0:kc] · B[0:kc, 0:NR_F32] over a 4-vector F32 panel (laid out
     * as in {@link #tile}); only the first {@code rows} rows of C are written when {@code rows <= 4}.
     */
    static void tileWide(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                         float[] c, int cOff, int ldc, boolean accumulate, int rows) {
        if (rows > 4) {
            tile6x4(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        } else {
            tile4x4(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        }
    }

    /**
     * C[0:MR, 0:NR] (=|+=) A[0:MR, 0:kc] · B[0:kc, 0:NR], with A rows at {@code aOff + r·lda}, B
     * packed as NR consecutive floats per k from {@code bOff}, and C rows at {@code cOff + r·ldc}.
     */
    static void tile(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        // MR is a constant: C2 folds the test away and compiles only the branch this CPU uses.
        if (MR == 8) {
            tile8(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        } else {
            tile6(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        }
    }

    private static void tile6(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + lanes);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // Written out in full: a helper taking vectors that C2 declines to inline (a cold call site
        // at compile time is enough) makes it box every vector, and the kernel runs 10× slower.
        // Each branch stores on its own: merging the accumulators of both branches into one
        // variable would also make C2 heap-allocate vector boxes at the merge point.
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (accumulate) {
            c00.add(FloatVector.fromArray(F, c, r0)).intoArray(c, r0);
            c01.add(FloatVector.fromArray(F, c, r0 + lanes)).intoArray(c, r0 + lanes);
            c10.add(FloatVector.fromArray(F, c, r1)).intoArray(c, r1);
            c11.add(FloatVector.fromArray(F, c, r1 + lanes)).intoArray(c, r1 + lanes);
            c20.add(FloatVector.fromArray(F, c, r2)).intoArray(c, r2);
            c21.add(FloatVector.fromArray(F, c, r2 + lanes)).intoArray(c, r2 + lanes);
            c30.add(FloatVector.fromArray(F, c, r3)).intoArray(c, r3);
            c31.add(FloatVector.fromArray(F, c, r3 + lanes)).intoArray(c, r3 + lanes);
            c40.add(FloatVector.fromArray(F, c, r4)).intoArray(c, r4);
            c41.add(FloatVector.fromArray(F, c, r4 + lanes)).intoArray(c, r4 + lanes);
            c50.add(FloatVector.fromArray(F, c, r5)).intoArray(c, r5);
            c51.add(FloatVector.fromArray(F, c, r5 + lanes)).intoArray(c, r5 + lanes);
        } else {
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + lanes);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + lanes);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + lanes);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + lanes);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + lanes);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + lanes);
        }
    }

    private static void tile8(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + lanes);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        // written out in full for the same reasons as in tile6
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (accumulate) {
            c00.add(FloatVector.fromArray(F, c, r0)).intoArray(c, r0);
            c01.add(FloatVector.fromArray(F, c, r0 + lanes)).intoArray(c, r0 + lanes);
            c10.add(FloatVector.fromArray(F, c, r1)).intoArray(c, r1);
            c11.add(FloatVector.fromArray(F, c, r1 + lanes)).intoArray(c, r1 + lanes);
            c20.add(FloatVector.fromArray(F, c, r2)).intoArray(c, r2);
            c21.add(FloatVector.fromArray(F, c, r2 + lanes)).intoArray(c, r2 + lanes);
            c30.add(FloatVector.fromArray(F, c, r3)).intoArray(c, r3);
            c31.add(FloatVector.fromArray(F, c, r3 + lanes)).intoArray(c, r3 + lanes);
            c40.add(FloatVector.fromArray(F, c, r4)).intoArray(c, r4);
            c41.add(FloatVector.fromArray(F, c, r4 + lanes)).intoArray(c, r4 + lanes);
            c50.add(FloatVector.fromArray(F, c, r5)).intoArray(c, r5);
            c51.add(FloatVector.fromArray(F, c, r5 + lanes)).intoArray(c, r5 + lanes);
            c60.add(FloatVector.fromArray(F, c, r6)).intoArray(c, r6);
            c61.add(FloatVector.fromArray(F, c, r6 + lanes)).intoArray(c, r6 + lanes);
            c70.add(FloatVector.fromArray(F, c, r7)).intoArray(c, r7);
            c71.add(FloatVector.fromArray(F, c, r7 + lanes)).intoArray(c, r7 + lanes);
        } else {
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + lanes);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + lanes);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + lanes);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + lanes);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + lanes);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + lanes);
            c60.intoArray(c, r6);
            c61.intoArray(c, r6 + lanes);
            c70.intoArray(c, r7);
            c71.intoArray(c, r7 + lanes);
        }
    }

    private static void tile6x4(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + lanes);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * lanes);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 3 * lanes);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        // written out in full for the same reasons as in tile6
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (accumulate) {
            c00.add(FloatVector.fromArray(F, c, r0)).intoArray(c, r0);
            c01.add(FloatVector.fromArray(F, c, r0 + lanes)).intoArray(c, r0 + lanes);
            c02.add(FloatVector.fromArray(F, c, r0 + 2 * lanes)).intoArray(c, r0 + 2 * lanes);
            c03.add(FloatVector.fromArray(F, c, r0 + 3 * lanes)).intoArray(c, r0 + 3 * lanes);
            c10.add(FloatVector.fromArray(F, c, r1)).intoArray(c, r1);
            c11.add(FloatVector.fromArray(F, c, r1 + lanes)).intoArray(c, r1 + lanes);
            c12.add(FloatVector.fromArray(F, c, r1 + 2 * lanes)).intoArray(c, r1 + 2 * lanes);
            c13.add(FloatVector.fromArray(F, c, r1 + 3 * lanes)).intoArray(c, r1 + 3 * lanes);
            c20.add(FloatVector.fromArray(F, c, r2)).intoArray(c, r2);
            c21.add(FloatVector.fromArray(F, c, r2 + lanes)).intoArray(c, r2 + lanes);
            c22.add(FloatVector.fromArray(F, c, r2 + 2 * lanes)).intoArray(c, r2 + 2 * lanes);
            c23.add(FloatVector.fromArray(F, c, r2 + 3 * lanes)).intoArray(c, r2 + 3 * lanes);
            c30.add(FloatVector.fromArray(F, c, r3)).intoArray(c, r3);
            c31.add(FloatVector.fromArray(F, c, r3 + lanes)).intoArray(c, r3 + lanes);
            c32.add(FloatVector.fromArray(F, c, r3 + 2 * lanes)).intoArray(c, r3 + 2 * lanes);
            c33.add(FloatVector.fromArray(F, c, r3 + 3 * lanes)).intoArray(c, r3 + 3 * lanes);
            c40.add(FloatVector.fromArray(F, c, r4)).intoArray(c, r4);
            c41.add(FloatVector.fromArray(F, c, r4 + lanes)).intoArray(c, r4 + lanes);
            c42.add(FloatVector.fromArray(F, c, r4 + 2 * lanes)).intoArray(c, r4 + 2 * lanes);
            c43.add(FloatVector.fromArray(F, c, r4 + 3 * lanes)).intoArray(c, r4 + 3 * lanes);
            c50.add(FloatVector.fromArray(F, c, r5)).intoArray(c, r5);
            c51.add(FloatVector.fromArray(F, c, r5 + lanes)).intoArray(c, r5 + lanes);
            c52.add(FloatVector.fromArray(F, c, r5 + 2 * lanes)).intoArray(c, r5 + 2 * lanes);
            c53.add(FloatVector.fromArray(F, c, r5 + 3 * lanes)).intoArray(c, r5 + 3 * lanes);
        } else {
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + lanes);
            c02.intoArray(c, r0 + 2 * lanes);
            c03.intoArray(c, r0 + 3 * lanes);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + lanes);
            c12.intoArray(c, r1 + 2 * lanes);
            c13.intoArray(c, r1 + 3 * lanes);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + lanes);
            c22.intoArray(c, r2 + 2 * lanes);
            c23.intoArray(c, r2 + 3 * lanes);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + lanes);
            c32.intoArray(c, r3 + 2 * lanes);
            c33.intoArray(c, r3 + 3 * lanes);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + lanes);
            c42.intoArray(c, r4 + 2 * lanes);
            c43.intoArray(c, r4 + 3 * lanes);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + lanes);
            c52.intoArray(c, r5 + 2 * lanes);
            c53.intoArray(c, r5 + 3 * lanes);
        }
    }


    private static void tile4x4(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + lanes);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * lanes);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 3 * lanes);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        // written out in full for the same reasons as in tile6
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00.add(FloatVector.fromArray(F, c, r0)).intoArray(c, r0);
            c01.add(FloatVector.fromArray(F, c, r0 + lanes)).intoArray(c, r0 + lanes);
            c02.add(FloatVector.fromArray(F, c, r0 + 2 * lanes)).intoArray(c, r0 + 2 * lanes);
            c03.add(FloatVector.fromArray(F, c, r0 + 3 * lanes)).intoArray(c, r0 + 3 * lanes);
            c10.add(FloatVector.fromArray(F, c, r1)).intoArray(c, r1);
            c11.add(FloatVector.fromArray(F, c, r1 + lanes)).intoArray(c, r1 + lanes);
            c12.add(FloatVector.fromArray(F, c, r1 + 2 * lanes)).intoArray(c, r1 + 2 * lanes);
            c13.add(FloatVector.fromArray(F, c, r1 + 3 * lanes)).intoArray(c, r1 + 3 * lanes);
            c20.add(FloatVector.fromArray(F, c, r2)).intoArray(c, r2);
            c21.add(FloatVector.fromArray(F, c, r2 + lanes)).intoArray(c, r2 + lanes);
            c22.add(FloatVector.fromArray(F, c, r2 + 2 * lanes)).intoArray(c, r2 + 2 * lanes);
            c23.add(FloatVector.fromArray(F, c, r2 + 3 * lanes)).intoArray(c, r2 + 3 * lanes);
            c30.add(FloatVector.fromArray(F, c, r3)).intoArray(c, r3);
            c31.add(FloatVector.fromArray(F, c, r3 + lanes)).intoArray(c, r3 + lanes);
            c32.add(FloatVector.fromArray(F, c, r3 + 2 * lanes)).intoArray(c, r3 + 2 * lanes);
            c33.add(FloatVector.fromArray(F, c, r3 + 3 * lanes)).intoArray(c, r3 + 3 * lanes);
        } else {
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + lanes);
            c02.intoArray(c, r0 + 2 * lanes);
            c03.intoArray(c, r0 + 3 * lanes);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + lanes);
            c12.intoArray(c, r1 + 2 * lanes);
            c13.intoArray(c, r1 + 3 * lanes);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + lanes);
            c22.intoArray(c, r2 + 2 * lanes);
            c23.intoArray(c, r2 + 3 * lanes);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + lanes);
            c32.intoArray(c, r3 + 2 * lanes);
            c33.intoArray(c, r3 + 3 * lanes);
        }
    }
}
