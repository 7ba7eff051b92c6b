package dev.javelin.train.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.engine.EmbeddingClassifier;
import dev.javelin.engine.Pooling;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.models.PeftLora;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Writes a fine-tuned model as Hugging Face's {@code BertForSequenceClassification} or
 * {@code DistilBertForSequenceClassification} directory (config.json with id2label, model.safetensors,
 * the tokenizer), which classify, eval and serve load like any other. A LoRA run also leaves its
 * adapter in PEFT's layout under {@code adapter/}, and the model is made by merging that adapter into
 * the base: the adapter path is the one exercised.
 *
 * <p>A model trained with mean pooling has no HF task class to go to; it is written as
 * {@code train-classifier} writes a head (its config.json and classifier in {@code out}, read by
 * {@link EmbeddingClassifier}) over the fine-tuned encoder in {@code out/encoder}, named by its
 * absolute path.
 */
public final class ClassifierExport {
    public static final String ADAPTER_DIR = "adapter";
    public static final String ENCODER_DIR = "encoder";
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json");

    private ClassifierExport() {}

    public static void write(TrainableBert model, Path baseDir, String baseModelId, Path out, Map<Integer, String> id2label)
            throws IOException {
        Files.createDirectories(out);
        if (model.pooling() == Pooling.MEAN) {
            writeMeanPooled(model, baseDir, baseModelId, out, id2label);
            return;
        }
        if (model.lora() != null) {
            Path adapter = out.resolve(ADAPTER_DIR);
            writeAdapter(model, baseModelId, adapter);
            PeftLora.merge(baseDir, adapter, out, id2label);
            return;
        }
        writeWeights(model, p -> true, out);
        PeftLora.writeConfig(baseDir, out, true, id2label);
        copyTokenizer(baseDir, out);
    }

    /** The encoder in out/encoder (merged from a head-less copy of the adapter under LoRA), the head in out. */
    private static void writeMeanPooled(TrainableBert model, Path baseDir, String baseModelId, Path out, Map<Integer, String> id2label)
            throws IOException {
        Path encoder = out.resolve(ENCODER_DIR);
        Files.createDirectories(encoder);
        if (model.lora() != null) {
            writeAdapter(model, baseModelId, out.resolve(ADAPTER_DIR));
            Path encoderOnly = Files.createTempDirectory(out, "encoder-adapter");
            try {
                writeAdapter(model, baseModelId, encoderOnly, p -> p.name().contains(".lora_"));
                PeftLora.merge(baseDir, encoderOnly, encoder, null);
            } finally {
                for (String f : List.of(PeftLora.WEIGHTS, PeftLora.CONFIG)) Files.deleteIfExists(encoderOnly.resolve(f));
                Files.deleteIfExists(encoderOnly);
            }
        } else {
            writeWeights(model, p -> !p.name().startsWith("classifier."), encoder);
            PeftLora.writeConfig(baseDir, encoder, false, null);
            copyTokenizer(baseDir, encoder);
        }
        Param w = model.params().get("classifier.weight"), b = model.params().get("classifier.bias");
        int labels = w.shape()[0], hidden = w.shape()[1];
        float[] flat = w.value().toArray();
        float[][] rows = new float[labels][];
        for (int c = 0; c < labels; c++) rows[c] = java.util.Arrays.copyOfRange(flat, c * hidden, (c + 1) * hidden);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("method", "fine-tune");
        provenance.put("base", baseModelId);
        provenance.put("lora", model.lora() == null ? null : model.lora().targets());
        new EmbeddingClassifier(EmbeddingClassifier.BESIDE + ENCODER_DIR, Pooling.MEAN, false, id2label, rows, b.value().toArray(), provenance)
                .save(out);
    }

    private static void writeWeights(TrainableBert model, Predicate<Param> which, Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Param p : model.params().values()) if (which.test(p)) tensors.put(p.name(), p.value());
        SafeTensorsWriter.write(dir.resolve(SafeTensors.SINGLE_FILE), tensors, Map.of("format", "pt"));
    }

    private static void copyTokenizer(Path baseDir, Path dir) throws IOException {
        for (String f : TOKENIZER_FILES) {
            if (Files.isRegularFile(baseDir.resolve(f))) Files.copy(baseDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The adapter as PEFT saves a SEQ_CLS LoRA model: A/B pairs of the adapted projections, and the
     * head layers whole ({@code modules_to_save}), under {@code base_model.model.}.
     */
    public static void writeAdapter(TrainableBert model, String baseModelId, Path dir) throws IOException {
        writeAdapter(model, baseModelId, dir, p -> true);
    }

    private static void writeAdapter(TrainableBert model, String baseModelId, Path dir, Predicate<Param> which) throws IOException {
        TrainableBert.LoraOptions lora = model.lora();
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<String> saved = new LinkedHashSet<>();
        for (Param p : model.trainable()) {
            if (!which.test(p)) continue;
            tensors.put(PeftLora.PREFIX + p.name(), p.value());
            if (p.name().startsWith("classifier.")) saved.add("classifier");
            else if (!p.name().contains(".lora_")) saved.add(model.family().headModule);
        }
        SafeTensorsWriter.write(dir.resolve(PeftLora.WEIGHTS), tensors, Map.of("format", "pt"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("peft_type", "LORA").put("task_type", "SEQ_CLS").put("base_model_name_or_path", baseModelId)
                .put("r", lora.rank()).put("lora_alpha", lora.alpha()).put("lora_dropout", 0.0)
                .put("bias", "none").put("fan_in_fan_out", false).put("inference_mode", true).put("init_lora_weights", true)
                .put("use_rslora", false).put("use_dora", false).putNull("layers_to_transform").putNull("layers_pattern")
                .putNull("revision");
        c.putObject("rank_pattern");
        c.putObject("alpha_pattern");
        lora.targets().forEach(c.putArray("target_modules")::add);
        saved.forEach(c.putArray("modules_to_save")::add);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(PeftLora.CONFIG).toFile(), c);
    }
}
