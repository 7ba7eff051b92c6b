package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/** The transformer's position-wise feed-forward block: down(GELU(up(x))), GELU exact (erf) as BERT's. */
public final class FeedForward implements FeedForwardBlock {
    private final Linear up;
    private final Linear down;

    public FeedForward(Linear up, Linear down) {
        if (up.outFeatures() != down.inFeatures() || up.inFeatures() != down.outFeatures()) {
            throw new IllegalArgumentException("feed-forward projections do not chain: up " + up.inFeatures() + "→" + up.outFeatures()
                    + ", down " + down.inFeatures() + "→" + down.outFeatures());
        }
        this.up = up;
        this.down = down;
    }

    @Override
    public int hidden() { return up.inFeatures(); }

    public int intermediate() { return up.outFeatures(); }

    @Override
    public FeedForward normalisedBy(Normalization norm) {
        return new FeedForward(up, down.normalisedBy(norm));
    }

    /** out = residual + down(GELU(up(input))), the GELU and the residual fused into the two products' epilogues. */
    @Override
    public void forward(Tensor input, Tensor residual, Tensor out, Workspace ws) {
        Tensor inner = ws.tensor("ffn.inner", input.dim(0), intermediate());
        up.forwardGelu(input, inner);
        down.forwardAdding(inner, residual, out);
    }
}
