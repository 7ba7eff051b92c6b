package dev.javelin.train.finetune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) as PyTorch's {@code torch.optim.AdamW}: weight decay is
 * decoupled, p ← p − lr·λ·p, before the bias-corrected Adam step p ← p − lr·m̂/(√v̂ + ε). Decay applies
 * only to parameters marked for it (weights, not biases or LayerNorm).
 */
public final class AdamW {
    private final List<Param> params;
    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private long steps;

    public AdamW(List<Param> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Param p : this.params) {
            m.put(p.name(), new float[p.size()]);
            v.put(p.name(), new float[p.size()]);
        }
    }

    /** The moments by parameter name, for checkpoints. */
    Map<String, float[]> firstMoments() { return m; }

    Map<String, float[]> secondMoments() { return v; }

    long steps() { return steps; }

    void restore(long steps) { this.steps = steps; }

    /** One update of every parameter from its gradient at learning rate {@code lr}. */
    public void step(double lr) {
        steps++;
        double c1 = 1 - Math.pow(beta1, steps), c2 = 1 - Math.pow(beta2, steps);
        for (Param p : params) {
            float[] g = p.grad(), mm = m.get(p.name()), vv = v.get(p.name());
            float[] w = p.value().toArray();
            double decay = p.decays() ? 1 - lr * weightDecay : 1;
            for (int i = 0; i < w.length; i++) {
                mm[i] = (float) (beta1 * mm[i] + (1 - beta1) * g[i]);
                vv[i] = (float) (beta2 * vv[i] + (1 - beta2) * g[i] * g[i]);
                w[i] = (float) (w[i] * decay - lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps));
            }
            p.value().copyFrom(w);
            p.changed();
        }
    }

    /** Scales all gradients so their global L2 norm is at most {@code maxNorm}; returns the norm before. */
    public static double clipGradients(List<Param> params, double maxNorm) {
        double sq = 0;
        for (Param p : params) for (float g : p.grad()) sq += (double) g * g;
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float s = (float) (maxNorm / (norm + 1e-6));
            for (Param p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) g[i] *= s;
            }
        }
        return norm;
    }
}
