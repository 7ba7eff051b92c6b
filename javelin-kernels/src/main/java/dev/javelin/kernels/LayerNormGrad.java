package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * LayerNorm for training: a forward pass that keeps each row's mean and 1/σ, and the backward pass
 * that uses them. Rows run in parallel on a {@link ComputePool}; γ and β gradients are summed over
 * fixed blocks of rows and the block sums added in block order, so the result is the same bit for bit
 * whatever the thread count or scheduling (a training run is reproducible from its seed).
 */
public final class LayerNormGrad {
    private LayerNormGrad() {}

    /** Rows per γ/β partial sum: fixed, so the summation order never depends on the threads. */
    static final int ROW_BLOCK = 32;

    /** y = γ·(x − μ)/σ + β per row of x [T, H]; writes μ and 1/σ per row. x and y may be the same tensor. */
    public static void forward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, float[] mean, float[] rstd) {
        int t = x.dim(0), h = x.dim(1);
        check(x, y, gamma, t, h, mean, rstd);
        beta.requireShape("layernorm beta", h);
        float[] g = gamma.toArray(), b = beta.toArray();
        MemorySegment xs = Simd.shareable(x.requireContiguous("layernorm x").segment());
        MemorySegment ys = Simd.shareable(y.requireContiguous("layernorm y").segment());
        long xo = x.offset(), yo = y.offset();
        ComputePool.shared().parallelFor(blocks(t), blk -> {
            float[] row = new float[h];
            for (int r = blk * ROW_BLOCK, end = Math.min(t, r + ROW_BLOCK); r < end; r++) {
                MemorySegment.copy(xs, Tensor.F32, (xo + (long) r * h) * Float.BYTES, row, 0, h);
                float mu = 0;
                for (int i = 0; i < h; i++) mu += row[i];
                mu /= h;
                float var = 0;
                for (int i = 0; i < h; i++) {
                    float d = row[i] - mu;
                    var += d * d;
                }
                float rs = (float) (1 / Math.sqrt(var / h + eps));
                for (int i = 0; i < h; i++) row[i] = (row[i] - mu) * rs * g[i] + b[i];
                mean[r] = mu;
                rstd[r] = rs;
                MemorySegment.copy(row, 0, ys, Tensor.F32, (yo + (long) r * h) * Float.BYTES, h);
            }
        });
    }

    /**
     * Given dy [T, H] and the forward's x, μ, 1/σ: writes dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with
     * g = γ·dy, and adds Σ dy·x̂ to dGamma and Σ dy to dBeta. dx may be dy itself.
     */
    public static void backward(Tensor dy, Tensor x, Tensor gamma, float[] mean, float[] rstd,
                                Tensor dx, float[] dGamma, float[] dBeta) {
        int t = x.dim(0), h = x.dim(1);
        check(x, dy, gamma, t, h, mean, rstd);
        dx.requireShape("layernorm dx", t, h);
        float[] g = gamma.toArray();
        MemorySegment xs = Simd.shareable(x.requireContiguous("layernorm x").segment());
        MemorySegment dys = Simd.shareable(dy.requireContiguous("layernorm dy").segment());
        MemorySegment dxs = Simd.shareable(dx.requireContiguous("layernorm dx").segment());
        long xo = x.offset(), dyo = dy.offset(), dxo = dx.offset();
        int blocks = blocks(t);
        float[][] partG = new float[blocks][], partB = new float[blocks][];
        ComputePool.shared().parallelFor(blocks, blk -> {
            float[] xr = new float[h], dr = new float[h], pg = new float[h], pb = new float[h];
            for (int r = blk * ROW_BLOCK, end = Math.min(t, r + ROW_BLOCK); r < end; r++) {
                MemorySegment.copy(xs, Tensor.F32, (xo + (long) r * h) * Float.BYTES, xr, 0, h);
                MemorySegment.copy(dys, Tensor.F32, (dyo + (long) r * h) * Float.BYTES, dr, 0, h);
                float mu = mean[r], rs = rstd[r];
                float sumG = 0, sumGx = 0;
                for (int i = 0; i < h; i++) {
                    float xh = (xr[i] - mu) * rs;
                    float gi = g[i] * dr[i];
                    pg[i] += dr[i] * xh;
                    pb[i] += dr[i];
                    sumG += gi;
                    sumGx += gi * xh;
                    xr[i] = xh;
                }
                float mg = sumG / h, mgx = sumGx / h;
                for (int i = 0; i < h; i++) dr[i] = rs * (g[i] * dr[i] - mg - xr[i] * mgx);
                MemorySegment.copy(dr, 0, dxs, Tensor.F32, (dxo + (long) r * h) * Float.BYTES, h);
            }
            partG[blk] = pg;
            partB[blk] = pb;
        });
        for (int blk = 0; blk < blocks; blk++) {
            for (int i = 0; i < h; i++) {
                dGamma[i] += partG[blk][i];
                dBeta[i] += partB[blk][i];
            }
        }
    }

    private static int blocks(int rows) {
        return (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    }

    private static void check(Tensor x, Tensor other, Tensor gamma, int t, int h, float[] mean, float[] rstd) {
        MatMul.requireRank("layernorm x", x, 2);
        other.requireShape("layernorm", t, h);
        gamma.requireShape("layernorm gamma", h);
        if (mean.length < t || rstd.length < t) {
            throw new IllegalArgumentException("layernorm: statistics arrays hold " + Math.min(mean.length, rstd.length)
                    + " rows, the input has " + t);
        }
    }
}
