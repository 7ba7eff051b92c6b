package dev.javelin.train.linear;

/** A fitted linear head on raw embeddings: logits = weight·x + bias, weight [C,H], bias [C]. */
public record SoftmaxHead(float[][] weight, float[] bias) {

    public int classes() {
        return bias.length;
    }

    public int dim() {
        return weight[0].length;
    }
}
