package dev.javelin.train.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.models.PeftLora;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a fine-tuned model as Hugging Face's {@code BertForSequenceClassification} directory
 * (config.json with id2label, model.safetensors, the tokenizer), which classify, eval and serve load
 * like any other. A LoRA run also leaves its adapter in PEFT's layout under {@code adapter/}, and the
 * model is made by merging that adapter into the base: the adapter path is the one exercised.
 */
public final class ClassifierExport {
    public static final String ADAPTER_DIR = "adapter";

    private ClassifierExport() {}

    public static void write(TrainableBert model, Path baseDir, String baseModelId, Path out, Map<Integer, String> id2label)
            throws IOException {
        Files.createDirectories(out);
        if (model.lora() != null) {
            Path adapter = out.resolve(ADAPTER_DIR);
            writeAdapter(model, baseModelId, adapter);
            PeftLora.merge(baseDir, adapter, out, id2label);
            return;
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Param p : model.params().values()) tensors.put(p.name(), p.value());
        Path tmp = out.resolve(SafeTensors.SINGLE_FILE + ".tmp");
        SafeTensorsWriter.write(tmp, tensors, Map.of("format", "pt"));
        Files.move(tmp, out.resolve(SafeTensors.SINGLE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        PeftLora.writeConfig(baseDir, out, true, id2label);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")) {
            if (Files.isRegularFile(baseDir.resolve(f))) Files.copy(baseDir.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The adapter as PEFT saves a SEQ_CLS LoRA model: A/B pairs of the adapted projections, and the
     * pooler and classifier whole ({@code modules_to_save}), under {@code base_model.model.}.
     */
    public static void writeAdapter(TrainableBert model, String baseModelId, Path dir) throws IOException {
        TrainableBert.LoraOptions lora = model.lora();
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Param p : model.trainable()) tensors.put(PeftLora.PREFIX + p.name(), p.value());
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
        c.putArray("modules_to_save").add("classifier").add("pooler");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(PeftLora.CONFIG).toFile(), c);
    }
}
