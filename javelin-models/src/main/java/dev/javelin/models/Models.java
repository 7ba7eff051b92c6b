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
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.io.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
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
            String held = heldDtype(weights, dtype);
            LoadedModel model = switch (config) {
                case BertConfig bert when bert.robertaPositions() && robertaHead ->
                        withHead(dir, config, weights, held, RobertaForSequenceClassification.load(weights, bert, dtype));
                case BertConfig bert -> head
                        ? withHead(dir, config, weights, held, BertForSequenceClassification.load(weights, bert, dtype))
                        : new LoadedModel(dir, config, weights, BertModel.load(weights, bert, dtype), null, held);
                case DistilBertConfig distil -> head
                        ? withHead(dir, config, weights, held, DistilBertForSequenceClassification.load(weights, distil, dtype))
                        : new LoadedModel(dir, config, weights, DistilBertModel.load(weights, distil, dtype), null, held);
                case MPNetConfig mpnet -> robertaHead
                        ? withHead(dir, config, weights, held, MPNetForSequenceClassification.load(weights, mpnet, dtype))
                        : new LoadedModel(dir, config, weights, MPNetModel.load(weights, mpnet, dtype), null, held);
                case GteConfig gte -> head
                        ? withHead(dir, config, weights, held, GteForSequenceClassification.load(weights, gte, dtype))
                        : new LoadedModel(dir, config, weights, GteModel.load(weights, gte, dtype), null, held);
                case NomicBertConfig nomic -> new LoadedModel(dir, config, weights, NomicBertModel.load(weights, nomic, dtype), null, held);
                case ModernBertConfig modern -> head
                        ? withHead(dir, config, weights, held, ModernBertForSequenceClassification.load(weights, modern, dtype))
                        : new LoadedModel(dir, config, weights, ModernBertModel.load(weights, modern, dtype), null, held);
                case Qwen3Config qwen -> new LoadedModel(dir, config, weights, Qwen3Model.load(weights, qwen, dtype), null, held);
            };
            return model;
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static LoadedModel withHead(Path dir, ModelConfig config, SafeTensors weights, String held, SequenceClassifier head) {
        return new LoadedModel(dir, config, weights, head.encoder(), head, held);
    }

    /**
     * The dtype the linear layers hold once loaded in {@code dtype}: int8 when asked for or stored
     * (compressed-tensors), bf16 when asked for, else as the checkpoint stores its matrices.
     */
    static String heldDtype(SafeTensors weights, WeightDType dtype) {
        Map<SafetensorsDType, Integer> matrices = new EnumMap<>(SafetensorsDType.class);
        for (String name : weights.names()) {
            TensorInfo info = weights.info(name);
            if (info.shape().length == 2) matrices.merge(info.dtype(), 1, Integer::sum);
        }
        if (dtype == WeightDType.INT8 || matrices.containsKey(SafetensorsDType.I8)) return "int8";
        if (dtype == WeightDType.BF16) return "bfloat16";
        SafetensorsDType stored = matrices.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(SafetensorsDType.F32);
        return switch (stored) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
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
