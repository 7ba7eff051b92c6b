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
import dev.javelin.kernels.PackedWeight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * {@link #load(Path)} with the linear layers in {@code dtype} (quantized or narrowed on load). A
     * PEFT adapter directory ({@link PeftLora#isAdapter}) loads over its base as {@link #load(Path, LoraAdapter, WeightDType)}.
     */
    public static LoadedModel load(Path dir, WeightDType dtype) throws IOException {
        if (PeftLora.isAdapter(dir)) {
            LoraAdapter adapter = LoraAdapter.read(dir);
            return load(adapter.baseDirectory(), adapter, dtype);
        }
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        SafeTensors weights = SafeTensors.open(dir);
        try {
            return build(dir, config, weights, dtype);
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * The model in {@code baseDir} with {@code adapter}'s updates applied unmerged, y = W·x + s·B·(A·x),
     * over the base's own packed weights. With a classification head (the adapter's, saved whole, or
     * the base's) the result keeps the base encoder for embeddings and classifies with the adapted
     * one: one copy of the weights serves both ({@code classifier().encoder() != encoder()}); without
     * one, the adapted encoder is the model. config.json beside the adapter, when there is one (it
     * names the task's labels, which adapter_config.json cannot), replaces the base's.
     *
     * @throws ModelFormatException when the adapter names a module or tensor the model does not have
     */
    public static LoadedModel load(Path baseDir, LoraAdapter adapter, WeightDType dtype) throws IOException {
        Path own = adapter.directory().resolve("config.json");
        ModelConfig config = ModelConfig.load(Files.isRegularFile(own) ? own : baseDir.resolve("config.json"));
        SafeTensors weights = SafeTensors.open(baseDir);
        try {
            Map<String, PackedWeight> packed = new ConcurrentHashMap<>();
            Adaptation adapted = Adaptation.of(adapter, packed);
            LoadedModel tuned = ScopedValue.where(Adaptation.CURRENT, adapted).call(() -> build(baseDir, config, weights, dtype));
            Set<String> unused = new TreeSet<>(adapter.modules());
            unused.addAll(adapter.wholeTensors());
            unused.removeAll(adapted.used());
            if (!unused.isEmpty()) {
                throw new ModelFormatException(adapter.directory() + ": the model in " + baseDir + " has no " + unused
                        + " (is the adapter for another architecture?)");
            }
            if (tuned.classifier() == null) return tuned;
            LoadedModel base = ScopedValue.where(Adaptation.CURRENT, Adaptation.of(null, packed)).call(() -> build(baseDir, config, weights, dtype));
            return new LoadedModel(baseDir, config, weights, base.encoder(), tuned.classifier(), tuned.weightDtype());
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static LoadedModel build(Path dir, ModelConfig config, SafeTensors weights, WeightDType dtype) throws ModelFormatException {
        boolean head = Adaptation.has(weights, "classifier.weight");
        boolean robertaHead = Adaptation.has(weights, "classifier.out_proj.weight");
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
        long rows = Adaptation.shape(weights, weight)[0];
        if (id2label != null && !id2label.isEmpty() && id2label.size() != rows) {
            throw new ModelFormatException(weights.source() + ": classifier has " + rows + " outputs but id2label names "
                    + id2label.size() + " labels");
        }
        return (int) rows;
    }
}
