package dev.javelin.train.finetune;

import java.util.List;

/**
 * The BERT-family checkpoints fine-tuning trains: one post-norm encoder layer under two sets of
 * Hugging Face names, and the few places the architectures differ.
 */
public enum BertFamily {
    /** {@code BertForSequenceClassification}: token types, dropout after the attention output, a tanh pooler. */
    BERT("bert.", "encoder.layer.", List.of("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense"), "attention.output.LayerNorm", "output.LayerNorm",
            true, true, "bert.pooler.dense", "pooler", HeadActivation.TANH,
            List.of("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")),
    /**
     * {@code DistilBertForSequenceClassification}: no token types, out_lin's output added to the
     * residual without dropout, and a {@code pre_classifier} with ReLU in place of the pooler.
     */
    DISTILBERT("distilbert.", "transformer.layer.", List.of("attention.q_lin", "attention.k_lin", "attention.v_lin",
            "attention.out_lin", "ffn.lin1", "ffn.lin2"), "sa_layer_norm", "output_layer_norm",
            false, false, "pre_classifier", "pre_classifier", HeadActivation.RELU,
            List.of("q_lin", "k_lin", "v_lin", "out_lin", "lin1", "lin2"));

    /** The activation between the head's dense layer and the classifier. */
    enum HeadActivation { TANH, RELU }

    /** The encoder's name prefix in a task checkpoint ({@code bert.embeddings.…}). */
    final String prefix;
    /** Layer i's names start with this + i + ".". */
    final String layerPrefix;
    /** Within a layer: query, key, value, attention output, feed-forward in, feed-forward out. */
    final List<String> projections;
    final String attentionNorm;
    final String outputNorm;
    final boolean tokenTypes;
    final boolean dropoutAfterAttention;
    /** The head's dense layer on the first token, by its full name. */
    final String headDense;
    /** That layer's module as PEFT's {@code modules_to_save} names it. */
    final String headModule;
    final HeadActivation headActivation;
    /** PEFT's {@code target_modules} for every attention and feed-forward projection. */
    final List<String> loraTargets;

    BertFamily(String prefix, String layerPrefix, List<String> projections, String attentionNorm, String outputNorm,
               boolean tokenTypes, boolean dropoutAfterAttention, String headDense, String headModule,
               HeadActivation headActivation, List<String> loraTargets) {
        this.prefix = prefix;
        this.layerPrefix = layerPrefix;
        this.projections = projections;
        this.attentionNorm = attentionNorm;
        this.outputNorm = outputNorm;
        this.tokenTypes = tokenTypes;
        this.dropoutAfterAttention = dropoutAfterAttention;
        this.headDense = headDense;
        this.headModule = headModule;
        this.headActivation = headActivation;
        this.loraTargets = loraTargets;
    }

    /** PEFT's {@code target_modules} for every attention and feed-forward projection of this family. */
    public List<String> loraTargets() { return loraTargets; }
}
