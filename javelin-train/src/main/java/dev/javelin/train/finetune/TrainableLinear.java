package dev.javelin.train.finetune;

import dev.javelin.kernels.MatMul;
import dev.javelin.nn.Linear;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * y = x·Wᵀ + b (+ s·(x·Aᵀ)·Bᵀ with a LoRA adapter), with its backward pass on the same blocked
 * matmul: dX = dY·W, dW = dYᵀ·X, db = Σ rows of dY; with LoRA, u = x·Aᵀ is kept and
 * dB = s·dYᵀ·u, dA = s·(dY·B)ᵀ·x, dX += s·(dY·B)·A. The forward pass runs on javelin-nn's
 * {@link Linear} (W packed once, bias fused); a trained W is re-packed after each update.
 */
final class TrainableLinear {
    private final Param weight;
    private final Param bias;
    private final Lora lora;
    private Linear packed;
    private int packedVersion = -1;

    /** A LoRA pair: A [r, in], B [out, r], scaled by s = α/r. */
    record Lora(Param a, Param b, float scale) {}

    TrainableLinear(Param weight, Param bias, Lora lora) {
        this.weight = weight;
        this.bias = bias;
        this.lora = lora;
    }

    Param weight() { return weight; }

    Param bias() { return bias; }

    Lora lora() { return lora; }

    int in() { return weight.shape()[1]; }

    int out() { return weight.shape()[0]; }

    /** What the backward pass needs: the input, and x·Aᵀ with LoRA. */
    record Cache(Tensor x, Tensor loraHidden) {}

    Cache forward(Tensor x, Tensor y, StepMemory mem) {
        if (packed == null || packedVersion != weight.version()) {
            packed = new Linear(weight.value(), bias == null ? null : bias.value());
            packedVersion = weight.version();
        }
        packed.forward(x, y);
        if (lora == null) return new Cache(x, null);
        int rows = x.dim(0);
        Tensor u = mem.tensor(rows, lora.a().shape()[0]);
        MatMul.matmulTransB(x, lora.a().value(), u);
        Tensor delta = mem.tensor(rows, out());
        MatMul.matmulTransB(u, lora.b().value(), delta);
        axpy(lora.scale(), delta, y);
        return new Cache(x, u);
    }

    /** Accumulates parameter gradients from dy; returns dX (a new tensor) when {@code needInputGrad}, else null. */
    Tensor backward(Tensor dy, Cache cache, boolean needInputGrad, StepMemory mem) {
        int rows = dy.dim(0);
        if (bias != null && bias.trainable()) columnSums(dy, bias.grad());
        if (weight.trainable()) {
            Tensor dw = mem.tensor(out(), in());
            MatMul.matmul(dy.t(), cache.x(), dw);
            add(dw, weight.grad());
        }
        Tensor dx = null;
        if (needInputGrad) {
            dx = mem.tensor(rows, in());
            MatMul.matmul(dy, weight.value(), dx);
        }
        if (lora != null) {
            int r = lora.a().shape()[0];
            Tensor du = mem.tensor(rows, r);
            MatMul.matmul(dy, lora.b().value(), du);
            scale(du, lora.scale());
            Tensor dB = mem.tensor(out(), r);
            MatMul.matmul(dy.t(), cache.loraHidden(), dB);
            scale(dB, lora.scale());
            add(dB, lora.b().grad());
            Tensor dA = mem.tensor(r, in());
            MatMul.matmul(du.t(), cache.x(), dA);
            add(dA, lora.a().grad());
            if (dx != null) {
                Tensor dxLora = mem.tensor(rows, in());
                MatMul.matmul(du, lora.a().value(), dxLora);
                axpy(1f, dxLora, dx);
            }
        }
        return dx;
    }

    /** y += a·x over contiguous tensors of the same size. */
    static void axpy(float a, Tensor x, Tensor y) {
        MemorySegment xs = x.segment(), ys = y.segment();
        for (long i = 0, n = x.size(); i < n; i++) {
            ys.setAtIndex(Tensor.F32, y.offset() + i, ys.getAtIndex(Tensor.F32, y.offset() + i) + a * xs.getAtIndex(Tensor.F32, x.offset() + i));
        }
    }

    static void scale(Tensor x, float a) {
        MemorySegment xs = x.segment();
        for (long i = 0, n = x.size(); i < n; i++) xs.setAtIndex(Tensor.F32, x.offset() + i, a * xs.getAtIndex(Tensor.F32, x.offset() + i));
    }

    /** g += t, element by element. */
    static void add(Tensor t, float[] g) {
        float[] v = t.toArray();
        for (int i = 0; i < g.length; i++) g[i] += v[i];
    }

    /** g[c] += Σ_r t[r, c], rows in order. */
    static void columnSums(Tensor t, float[] g) {
        int rows = t.dim(0), cols = t.dim(1);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(t.segment(), Tensor.F32, t.rowOffset(r) * Float.BYTES, row, 0, cols);
            for (int c = 0; c < cols; c++) g[c] += row[c];
        }
    }
}
