package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Backward of exact GELU: d/dx [x·Φ(x)] = Φ(x) + x·φ(x). Φ comes from erfc by the same Numerical
 * Recipes fit {@link Gelu} uses (fractional error below 1.2e-7), so forward and backward agree to
 * float precision; φ(x) = e^(−x²/2)/√(2π).
 */
public final class GeluGrad {
    private GeluGrad() {}

    private static final int ROW_BLOCK = 64;
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** dx = dy·GELU′(x) for pre-activations x, all [T, N] and contiguous; dx may be dy itself. */
    public static void backward(Tensor x, Tensor dy, Tensor dx) {
        int t = x.dim(0), n = x.dim(1);
        dy.requireShape("gelu dy", t, n);
        dx.requireShape("gelu dx", t, n);
        MemorySegment xs = Simd.shareable(x.requireContiguous("gelu x").segment());
        MemorySegment dys = Simd.shareable(dy.requireContiguous("gelu dy").segment());
        MemorySegment dxs = Simd.shareable(dx.requireContiguous("gelu dx").segment());
        long xo = x.offset(), dyo = dy.offset(), dxo = dx.offset();
        ComputePool.shared().parallelFor((t + ROW_BLOCK - 1) / ROW_BLOCK, blk -> {
            float[] xr = new float[n], dr = new float[n];
            for (int r = blk * ROW_BLOCK, end = Math.min(t, r + ROW_BLOCK); r < end; r++) {
                MemorySegment.copy(xs, Tensor.F32, (xo + (long) r * n) * Float.BYTES, xr, 0, n);
                MemorySegment.copy(dys, Tensor.F32, (dyo + (long) r * n) * Float.BYTES, dr, 0, n);
                for (int i = 0; i < n; i++) dr[i] *= (float) derivative(xr[i]);
                MemorySegment.copy(dr, 0, dxs, Tensor.F32, (dxo + (long) r * n) * Float.BYTES, n);
            }
        });
    }

    /** GELU′(x) = Φ(x) + x·φ(x). */
    static double derivative(double x) {
        double w = Math.abs(x) * INV_SQRT2;
        double half = 0.5 * erfc(w);
        double cdf = x < 0 ? half : 1 - half;
        return cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** Numerical Recipes' erfcc for w ≥ 0: t·exp(−w² + P(t)), t = 1/(1 + w/2). */
    private static double erfc(double w) {
        double t = 1 / (1 + 0.5 * w);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return t * Math.exp(-w * w + p);
    }
}
