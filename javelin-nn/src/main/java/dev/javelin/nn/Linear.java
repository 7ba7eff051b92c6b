package dev.javelin.nn;

import dev.javelin.kernels.DynamicActivationQuantization;
import dev.javelin.kernels.Epilogue;
import dev.javelin.kernels.MatMul;
import dev.javelin.kernels.PackedWeight;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * y = x·Wᵀ + b with W in PyTorch's [out, in] layout. W is packed once, when the layer is built, into
 * the matmul kernel's panel layout (F32, or a narrower {@link PackedWeight.Format} the kernel widens
 * in registers), so a forward pass never re-packs it; after construction the caller's W is no longer
 * read (a loader may release its pages). A layer may carry a {@link LowRankDelta} (a LoRA adapter kept
 * unmerged), added to the product before the activation, so an adapted model shares the base model's
 * packed weights; and a {@link Normalization} of its output rows, applied last ({@link #normalisedBy}).
 */
public final class Linear {
    private final PackedWeight weight;
    /** The epilogues of {@link #forward} / {@link #forwardAdding} and {@link #forwardGelu}, ending in the norm where it is fused. */
    private final Epilogue plain;
    private final Epilogue gelu;
    private final boolean dynamicActivations;
    private final LowRankDelta delta;
    /** The norm of the output rows (null for none): in the epilogues where it fuses, else run after the product. */
    private final Normalization norm;

    /** {@code bias} may be null (no bias); it is read in place by every forward pass. */
    public Linear(Tensor weight, Tensor bias) {
        this(packed(weight), bias);
    }

    /** A layer over a weight packed already (Wᵀ: {@link PackedWeight#rows()} in, {@link PackedWeight#columns()} out). */
    public Linear(PackedWeight weight, Tensor bias) {
        this(weight, bias, false);
    }

    /**
     * With {@code dynamicActivations}, each input is first fake-quantized as ONNX Runtime's
     * DynamicQuantizeLinear does ({@link DynamicActivationQuantization}), reproducing a dynamic
     * quantization export's products; it costs a copy of the input per call.
     */
    public Linear(PackedWeight weight, Tensor bias, boolean dynamicActivations) {
        this(weight, bias, dynamicActivations, null, null);
    }

    private Linear(PackedWeight weight, Tensor bias, boolean dynamicActivations, LowRankDelta delta, Normalization norm) {
        if (bias != null) bias.requireShape("linear bias for weight [" + weight.columns() + ", " + weight.rows() + "]", weight.columns());
        if (delta != null && (delta.inFeatures() != weight.rows() || delta.outFeatures() != weight.columns())) {
            throw new IllegalArgumentException("low-rank delta [" + delta.outFeatures() + ", " + delta.inFeatures()
                    + "] does not fit the linear weight [" + weight.columns() + ", " + weight.rows() + "]");
        }
        if (norm != null && norm.dim() != weight.columns()) {
            throw new IllegalArgumentException("a norm over " + norm.dim() + " features after a linear layer with "
                    + weight.columns() + " outputs");
        }
        Epilogue plain = new Epilogue(bias, Epilogue.Activation.IDENTITY);
        Epilogue gelu = new Epilogue(bias, Epilogue.Activation.GELU);
        // a delta is added after the product, so the norm must wait for it
        Epilogue fused = norm == null || delta != null ? null : norm.fusedAfter(plain);
        this.weight = weight;
        this.plain = fused == null ? plain : fused;
        this.gelu = fused == null ? gelu : norm.fusedAfter(gelu);
        this.dynamicActivations = dynamicActivations;
        this.delta = delta;
        this.norm = norm;
    }

    /** This layer plus {@code delta}, sharing this layer's packed weight and bias: y = x·Wᵀ + b + Δ(x). */
    public Linear withDelta(LowRankDelta delta) {
        if (this.delta != null) throw new IllegalStateException("the layer already carries a low-rank delta");
        return new Linear(weight, plain.bias(), dynamicActivations, delta, norm);
    }

    /**
     * This layer with {@code norm} applied to each output row, sharing this layer's packed weight:
     * y = norm(x·Wᵀ + b [+ residual]) — a post-norm block's "LayerNorm(x + Sublayer(x))". A
     * {@link LayerNorm} runs inside the product, on each row while it is still in cache, where the
     * product's tasks own whole rows; any other norm runs over y after the product.
     */
    public Linear normalisedBy(Normalization norm) {
        if (norm == null) throw new IllegalArgumentException("the norm to apply after a linear layer is null");
        if (this.norm != null) throw new IllegalStateException("the layer is already normalised");
        return new Linear(weight, plain.bias(), dynamicActivations, delta, norm);
    }

    /** The LoRA update this layer adds, or null. */
    public LowRankDelta delta() { return delta; }

    private static PackedWeight packed(Tensor weight) {
        if (weight.rank() != 2) throw new IllegalArgumentException("linear weight must be 2-D [out, in], got " + Arrays.toString(weight.shape()));
        return PackedWeight.ofTransposed(weight);
    }

    public int inFeatures() { return weight.rows(); }

    public int outFeatures() { return weight.columns(); }

    /** Heap bytes of the packed weight. */
    public long weightBytes() { return weight.bytes(); }

    /** How the packed weight stores each value. */
    public PackedWeight.Format weightFormat() { return weight.format(); }

    /** y [rows, out] = x [rows, in]·Wᵀ + b (then the layer's norm, if it has one); y is overwritten. */
    public void forward(Tensor x, Tensor y) {
        run(x, plain, null, y);
    }

    /**
     * y = x·Wᵀ + b + residual (then the layer's norm), the residual added as each block of y is
     * written; residual may be y itself.
     */
    public void forwardAdding(Tensor x, Tensor residual, Tensor y) {
        run(x, plain, residual, y);
    }

    /** y = GELU(x·Wᵀ + b) (then the layer's norm), exact (erf) GELU applied as each block of y is written. */
    public void forwardGelu(Tensor x, Tensor y) {
        run(x, gelu, null, y);
    }

    private void run(Tensor x, Epilogue epilogue, Tensor residual, Tensor y) {
        if (delta == null) {
            product(x, epilogue, residual, y);
        } else {
            // the layer's product, bias and residual first; Δ is added last, then the activation
            product(x, plain, residual, y);
            try (Arena arena = Arena.ofConfined()) {
                delta.addTo(x, y, epilogue.activation(), arena);
            }
        }
        if (norm != null && plain.layerNorm() == null) norm.forward(y);
    }

    private void product(Tensor x, Epilogue epilogue, Tensor residual, Tensor y) {
        if (!dynamicActivations) {
            MatMul.matmul(x, weight, epilogue, residual, y);
            return;
        }
        // the input may be read again (a residual, Q/K/V's shared input): quantize a copy
        try (Arena arena = Arena.ofConfined()) {
            Tensor q = Tensor.allocate(arena, x.shape());
            DynamicActivationQuantization.apply(x, q);
            MatMul.matmul(q, weight, epilogue, residual, y);
        }
    }
}
