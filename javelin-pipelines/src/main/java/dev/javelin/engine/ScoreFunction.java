package dev.javelin.engine;

import java.util.Locale;

/** How classification logits become scores (Hugging Face's {@code function_to_apply}). */
public enum ScoreFunction {
    /** Independent probabilities per label: multi-label models and single-output scores. */
    SIGMOID,
    /** A distribution over mutually exclusive labels. */
    SOFTMAX,
    /** Raw logits (regression). */
    NONE;

    public static ScoreFunction parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown score function '" + name + "'; expected sigmoid, softmax or none");
        }
    }

    /** Hugging Face's default: by problem_type when the config sets one, else sigmoid for one label and softmax for several. */
    public static ScoreFunction defaultFor(String problemType, int numLabels) {
        if ("regression".equals(problemType)) return NONE;
        if ("multi_label_classification".equals(problemType) || numLabels == 1) return SIGMOID;
        return SOFTMAX;
    }

    public float[] apply(float[] logits) {
        float[] out = new float[logits.length];
        switch (this) {
            case NONE -> System.arraycopy(logits, 0, out, 0, logits.length);
            case SIGMOID -> {
                for (int i = 0; i < logits.length; i++) out[i] = (float) (1 / (1 + Math.exp(-logits[i])));
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (float l : logits) max = Math.max(max, l);
                for (int i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
                for (int i = 0; i < logits.length; i++) out[i] = (float) (Math.exp(logits[i] - max) / sum);
            }
        }
        return out;
    }
}
