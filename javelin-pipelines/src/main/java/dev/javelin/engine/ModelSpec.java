package dev.javelin.engine;

import dev.javelin.models.WeightDType;

/**
 * Which model to load and how to use it. Every front end (the CLI, the pipelines, the server, batch
 * jobs) describes its model with one of these and gets the same {@link Engine}.
 *
 * @param source    a local Hugging Face directory, a javelin-embedding-classifier directory, or a Hub id
 *                  ({@code org/name[@revision]}); null means the embedded default: all-MiniLM-L6-v2 with
 *                  the built-in SST-2 sentiment LoRA adapter (it embeds with the base and classifies with the adapter)
 * @param pooling   pooling of {@code embed} instead of the model's own; null keeps the model's
 * @param normalize L2 normalisation of {@code embed} by default instead of the model's own; null keeps the model's
 * @param dtype     precision of the linear layers: {@link WeightDType#F32} keeps the checkpoint's own,
 *                  int8 / bf16 quantize on load (docs/quantization.md)
 * @param head      what classifies or ranks: {@link Head#AUTO} reads it from the directory
 */
public record ModelSpec(String source, Pooling pooling, Boolean normalize, WeightDType dtype, Head head) {

    /** The embedded default, with its own pooling and normalisation. */
    public static final ModelSpec DEFAULT = new ModelSpec(null, null, null);

    public ModelSpec {
        if (dtype == null) throw new IllegalArgumentException("dtype is null; WeightDType.F32 keeps the checkpoint's weights");
        if (head == null) throw new IllegalArgumentException("head is null; Head.AUTO reads it from the directory");
    }

    /** The head read from the directory. */
    public ModelSpec(String source, Pooling pooling, Boolean normalize, WeightDType dtype) {
        this(source, pooling, normalize, dtype, Head.AUTO);
    }

    /** Weights as the checkpoint stores them. */
    public ModelSpec(String source, Pooling pooling, Boolean normalize) {
        this(source, pooling, normalize, WeightDType.F32);
    }

    /** The same model with its linear layers in {@code dtype}. */
    public ModelSpec withDtype(WeightDType dtype) {
        return new ModelSpec(source, pooling, normalize, dtype, head);
    }

    /** {@code source} with the model's own pooling and normalisation (null: the embedded default). */
    public static ModelSpec of(String source) {
        return new ModelSpec(source, null, null);
    }

    public boolean isDefault() {
        return source == null;
    }

    /** Starts from the embedded default with its own pooling and normalisation and the checkpoint's precision. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named options instead of nullable positional ones: {@code ModelSpec.builder().model("BAAI/bge-small-en-v1.5").dtype(WeightDType.INT8).build()}. */
    public static final class Builder {
        private String model;
        private Pooling pooling;
        private Boolean normalize;
        private WeightDType dtype = WeightDType.F32;
        private Head head = Head.AUTO;

        private Builder() {}

        /** A local Hugging Face directory or a Hub id; not calling it keeps the embedded default. */
        public Builder model(String model) { this.model = model; return this; }

        public Builder pooling(Pooling pooling) { this.pooling = pooling; return this; }

        public Builder normalize(boolean normalize) { this.normalize = normalize; return this; }

        public Builder dtype(WeightDType dtype) { this.dtype = dtype; return this; }

        public Builder head(Head head) { this.head = head; return this; }

        public ModelSpec build() {
            return new ModelSpec(model, pooling, normalize, dtype, head);
        }
    }
}
