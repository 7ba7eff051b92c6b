package dev.javelin.nn;

import dev.javelin.kernels.GatedLinearUnit;
import dev.javelin.tensor.Tensor;

/**
 * The GLU feed-forward block (Shazeer 2020): down(act(a) ⊙ b) where [a | b] is one product of the
 * input — GeGLU with GELU (ModernBERT, GTE), SwiGLU with SiLU (NomicBERT, Qwen3). Checkpoints that
 * store the two projections apart are stacked into one {@code gateUp} product at load.
 */
public final class GatedFeedForward implements FeedForwardBlock {
    private final Linear gateUp;
    private final Linear down;
    private final GatedLinearUnit.Activation activation;
    private final boolean activateFirst;

    /**
     * @param gateUp        hidden → 2·inner, both halves in one product
     * @param activateFirst whether the activation applies to the first half (else the second)
     */
    public GatedFeedForward(Linear gateUp, Linear down, GatedLinearUnit.Activation activation, boolean activateFirst) {
        if (gateUp.outFeatures() != 2 * down.inFeatures() || gateUp.inFeatures() != down.outFeatures()) {
            throw new IllegalArgumentException("gated feed-forward projections do not chain: gate/up " + gateUp.inFeatures() + "→"
                    + gateUp.outFeatures() + ", down " + down.inFeatures() + "→" + down.outFeatures());
        }
        this.gateUp = gateUp;
        this.down = down;
        this.activation = activation;
        this.activateFirst = activateFirst;
    }

    @Override
    public int hidden() { return down.outFeatures(); }

    public int intermediate() { return down.inFeatures(); }

    @Override
    public GatedFeedForward normalisedBy(Normalization norm) {
        return new GatedFeedForward(gateUp, down.normalisedBy(norm), activation, activateFirst);
    }

    @Override
    public void forward(Tensor input, Tensor residual, Tensor out, Workspace ws) {
        int rows = input.dim(0);
        Tensor both = ws.tensor("glu.gate-up", rows, 2 * intermediate());
        Tensor inner = ws.tensor("glu.inner", rows, intermediate());
        gateUp.forward(input, both);
        GatedLinearUnit.apply(both, inner, activation, activateFirst);
        down.forwardAdding(inner, residual, out);
    }
}
