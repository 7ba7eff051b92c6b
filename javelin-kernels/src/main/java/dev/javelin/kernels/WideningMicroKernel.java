package dev.javelin.kernels;

import static dev.javelin.kernels.MicroKernel.MR;
import static dev.javelin.kernels.MicroKernel.NR;
import static dev.javelin.kernels.Simd.F;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MicroKernel}'s register tile over weights stored narrower than F32 ({@link PackedWeight}'s
 * INT8, BF16 and F16 panels): each B vector is loaded as 1 or 2 bytes per lane and widened to F32 in
 * registers, then the tile runs the same F32 FMAs. Nothing is expanded to an F32 copy, so a product
 * streams a quarter (int8) or half (16-bit) of the bytes of an F32 weight, which is what bounds a
 * short request; the widening costs two or three extra instructions per 2·MR FMAs on a long one.
 * The JDK Vector API has no int8 dot-product instruction (VNNI) that would beat F32 FMA here, and
 * weight-only quantization keeps the activations in F32 anyway.
 *
 * <p>Int8 values widen exactly (B2F); the per-column scale is applied by the epilogue. bf16 widens by
 * a 16-bit shift; F16 by rebiasing the exponent (shift, then multiply by 2¹¹², which also handles
 * subnormals; infinities and NaNs are refused when packing). The tile bodies are written out per
 * row count, as in MicroKernel, so that C2 keeps every accumulator in a register.
 */
final class WideningMicroKernel {
    private WideningMicroKernel() {}

    /** Bytes for one vector of floats; at least 64 bits, the narrowest vector the x86 and ARM ports load. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.length() * 8)));
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.length() * 16)));
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final float F16_REBIAS = 0x1p112f;

    /** {@link MicroKernel#tile} over int8 panels: C = A·q, unscaled. */
    static void tileInt8(float[] a, int aOff, int lda, byte[] b, int bOff, int kc,
                         float[] c, int cOff, int ldc, boolean accumulate) {
        if (MR == 8) {
            int8Tile8(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        } else {
            int8Tile6(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate);
        }
    }

    /** {@link MicroKernel#tile} over 16-bit float panels, bf16 or (with {@code f16}) IEEE half. */
    static void tileHalf(float[] a, int aOff, int lda, short[] b, int bOff, int kc,
                         float[] c, int cOff, int ldc, boolean accumulate, boolean f16) {
        if (MR == 8) {
            halfTile8(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate, f16);
        } else {
            halfTile6(a, aOff, lda, b, bOff, kc, c, cOff, ldc, accumulate, f16);
        }
    }

    /** Widens {@code count} elements (a multiple of NR) of a narrow weight's panels from {@code off} into {@code dst[d0:d0+count]}. */
    static void widen(PackedWeight w, int off, int count, float[] dst, int d0) {
        int lanes = F.length();
        if (w.format == PackedWeight.Format.INT8) {
            for (int i = 0; i < count; i += lanes) int8(w.bytePanels, off + i).intoArray(dst, d0 + i);
        } else {
            boolean f16 = w.format == PackedWeight.Format.F16;
            for (int i = 0; i < count; i += lanes) half(w.halfPanels, off + i, f16).intoArray(dst, d0 + i);
        }
    }

    /**
     * Widens the narrow panels that make up F32 panel {@code q} (NR_F32 columns: one or two narrow
     * panels of NR side by side per k) into {@code dst}, laid out as an F32 weight's panel; columns
     * past the last narrow panel are zero.
     */
    static void widenPanel(PackedWeight w, int q, float[] dst) {
        int per = MicroKernel.NR_F32 / NR, k = w.k, narrowPanels = (w.n + NR - 1) / NR;
        for (int s = 0; s < per; s++) {
            int p = q * per + s;
            for (int kk = 0; kk < k; kk++) {
                int d0 = (q * k + kk) * MicroKernel.NR_F32 + s * NR;
                if (p < narrowPanels) {
                    widen(w, (p * k + kk) * NR, NR, dst, d0);
                } else {
                    Arrays.fill(dst, d0, d0 + NR, 0f);
                }
            }
        }
    }

    /** F.length() int8 values from {@code b[i]}, as floats. */
    static FloatVector int8(byte[] b, int i) {
        return (FloatVector) ByteVector.fromArray(B, b, i).convertShape(VectorOperators.B2F, F, 0);
    }

    /** F.length() bf16 or F16 values from {@code b[i]}, as floats. */
    static FloatVector half(short[] b, int i, boolean f16) {
        IntVector bits = (IntVector) ShortVector.fromArray(S, b, i).convertShape(VectorOperators.S2I, I, 0);
        if (!f16) return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(F16_REBIAS);
        return magnitude.reinterpretAsInts().or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static void int8Tile6(float[] a, int aOff, int lda, byte[] b, int bOff, int kc,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = int8(b, bi);
            FloatVector b1 = int8(b, bi + lanes);
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
        // written out in full for the reasons given in MicroKernel.tile6
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

    private static void int8Tile8(float[] a, int aOff, int lda, byte[] b, int bOff, int kc,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = int8(b, bi);
            FloatVector b1 = int8(b, bi + lanes);
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
        // written out in full for the reasons given in MicroKernel.tile6
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

    private static void halfTile6(float[] a, int aOff, int lda, short[] b, int bOff, int kc,
                              float[] c, int cOff, int ldc, boolean accumulate, boolean f16) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = half(b, bi, f16);
            FloatVector b1 = half(b, bi + lanes, f16);
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
        // written out in full for the reasons given in MicroKernel.tile6
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

    private static void halfTile8(float[] a, int aOff, int lda, short[] b, int bOff, int kc,
                              float[] c, int cOff, int ldc, boolean accumulate, boolean f16) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        final int lanes = F.length();
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = half(b, bi, f16);
            FloatVector b1 = half(b, bi + lanes, f16);
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
        // written out in full for the reasons given in MicroKernel.tile6
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
}
