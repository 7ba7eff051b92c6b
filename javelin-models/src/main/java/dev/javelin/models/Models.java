package dev.javelin.models;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.config.DistilBertConfig;
import dev.javelin.io.config.GteConfig;
import dev.javelin.io.config.MPNetConfig;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.config.ModernBertConfig;
import dev.javelin.io.config.NomicBertConfig;
import dev.javelin.io.config.Qwen3Config;
import dev.javelin.io.safetensors.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Builds the right model class for a Hugging Face directory from its {@code config.json} model_type. */
public final class Models {
    private Models() {}

    /**
     * Loads the model in {@code dir} ({@code config.json} + safetensors). A checkpoint with a
     * {@code classifier} layer loads as its sequence classification class, otherwise as the bare encoder.
     * (Which model types {@code config.json} may name at all is io's {@link ModelConfig} to decide; it
     * rejects the others with the list.)
     */
    public static LoadedModel load(Path dir) throws IOException {
        return load(dir, WeightDType.F32);
    }

    /** {@link #load(Path)} with the linear layers in {@code dtype} (quantized or narrowed on load). */
    public static LoadedModel load(Path dir, WeightDType dtype) throws IOException {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        SafeTensors weights = SafeTensors.open(dir);
        try {
            boolean head = weights.names().contains("classifier.weight");
            boolean robertaHead = weights.names().contains("classifier.out_proj.weight");
            LoadedModel model = switch (config) {
                case BertConfig bert when bert.robertaPositions() && robertaHead ->
                        withHead(dir, config, weights, RobertaForSequenceClassification.load(weights, bert, dtype));
                case BertConfig bert -> head
                        ? withHead(dir, config, weights, BertForSequenceClassification.load(weights, bert, dtype))
                        : new LoadedModel(dir, config, weights, BertModel.load(weights, bert, dtype), null);
                case DistilBertConfig distil -> head
                        ? withHead(dir, config, weights, DistilBertForSequenceClassification.load(weights, distil, dtype))
                        : new LoadedModel(dir, config, weights, DistilBertModel.load(weights, distil, dtype), null);
                case MPNetConfig mpnet -> robertaHead
                        ? withHead(dir, config, weights, MPNetForSequenceClassification.load(weights, mpnet, dtype))
                        : new LoadedModel(dir, config, weights, MPNetModel.load(weights, mpnet, dtype), null);
                case GteConfig gte -> head
                        ? withHead(dir, config, weights, GteForSequenceClassification.load(weights, gte, dtype))
                        : new LoadedModel(dir, config, weights, GteModel.load(weights, gte, dtype), null);
                case NomicBertConfig nomic -> new LoadedModel(dir, config, weights, NomicBertModel.load(weights, nomic, dtype), null);
                case ModernBertConfig modern -> head
                        ? withHead(dir, config, weights, ModernBertForSequenceClassification.load(weights, modern, dtype))
                        : new LoadedModel(dir, config, weights, ModernBertModel.load(weights, modern, dtype), null);
                case Qwen3Config qwen -> new LoadedModel(dir, config, weights, Qwen3Model.load(weights, qwen, dtype), null);
            };
            return model;
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static LoadedModel withHead(Path dir, ModelConfig config, SafeTensors weights, SequenceClassifier head) {
        return new LoadedModel(dir, config, weights, head.encoder(), head);
    }

    /** Labels from id2label, which must agree with the rows of the output layer {@code weight}. */
    static int numLabels(SafeTensors weights, String weight, Map<Integer, String> id2label) throws ModelFormatException {
        long rows = weights.info(weight).shape()[0];
        if (id2label != null && !id2label.isEmpty() && id2label.size() != rows) {
            throw new ModelFormatException(weights.source() + ": classifier has " + rows + " outputs but id2label names "
                    + id2label.size() + " labels");
        }
        return (int) rows;
    }
}
