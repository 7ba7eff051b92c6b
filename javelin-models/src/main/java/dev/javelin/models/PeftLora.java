package dev.javelin.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.AtomicFile;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.kernels.MatMul;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoRA adapters in the PEFT library's layout: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with PEFT's tensor names, {@code base_model.model.<module>.lora_A.weight}
 * [r, in] and {@code .lora_B.weight} [out, r] for each adapted linear layer, and
 * {@code base_model.model.<module>.weight}/{@code .bias} for the modules saved whole
 * ({@code modules_to_save}, e.g. a task's classifier). Merging folds each pair into its base weight,
 * W ← W + s·B·A with s = lora_alpha/r (lora_alpha/√r under {@code use_rslora}), and writes an ordinary
 * Hugging Face model directory that every loader reads; inference then costs what the base model does.
 */
public final class PeftLora {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** PEFT's prefix on every saved name: PeftModel.base_model (the LoraModel) → .model (the wrapped model). */
    public static final String PREFIX = "base_model.model.";

    private PeftLora() {}

    /** Whether {@code dir} holds a PEFT adapter. */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(WEIGHTS));
    }

    /**
     * Writes the base model in {@code baseDir} with the adapter in {@code adapterDir} merged into it as
     * a model directory {@code out} (created; replaced files are written whole, then renamed). A base
     * encoder saved without its task prefix (a plain {@code BertModel}: {@code encoder.layer.0…}) takes
     * {@code bert.} ({@code distilbert.}) when the adapter names modules under it. config.json is the
     * adapter directory's when it has one, else the base's; {@code id2label}, when not null, is written
     * into it with its inverse, for a classification adapter.
     */
    public static void merge(Path baseDir, Path adapterDir, Path out, Map<Integer, String> id2label) throws IOException {
        LoraAdapter adapter = LoraAdapter.read(adapterDir);
        Files.createDirectories(out);
        try (SafeTensors base = SafeTensors.open(baseDir); Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> merged = new LinkedHashMap<>();
            String taskPrefix = taskPrefix(base, adapter.modules());
            for (String name : base.names()) merged.put(taskPrefix + name, base.tensor(name));
            for (String module : adapter.modules()) {
                String w = module + ".weight";
                Tensor weight = merged.get(w);
                if (weight == null) throw new IOException(adapterDir + ": adapter module " + module + " is not in the base model " + baseDir);
                Tensor a = adapter.a(module), b = adapter.b(module);
                int outF = weight.dim(0), inF = weight.dim(1);
                a.requireShape(module + ".lora_A", adapter.rank(), inF);
                b.requireShape(module + ".lora_B", outF, adapter.rank());
                Tensor delta = Tensor.allocate(arena, outF, inF);
                MatMul.matmul(b, a, delta);
                float[] wv = weight.toArray(), dv = delta.toArray();
                for (int i = 0; i < wv.length; i++) wv[i] += adapter.scale() * dv[i];
                merged.put(w, Tensor.of(arena, wv, outF, inF));
            }
            for (String name : adapter.wholeTensors()) merged.put(name, adapter.wholeTensor(name));
            SafeTensorsWriter.write(out.resolve(SafeTensors.SINGLE_FILE), merged, Map.of("format", "pt"));
            // config.json beside the adapter names the task's labels, which adapter_config.json cannot
            Path config = Files.isRegularFile(adapterDir.resolve("config.json")) ? adapterDir : baseDir;
            writeConfig(config, out, merged.containsKey("classifier.weight"), id2label);
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")) {
            if (Files.isRegularFile(baseDir.resolve(f)) && !baseDir.resolve(f).equals(out.resolve(f))) {
                Files.copy(baseDir.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * The task model's encoder prefix ("bert.", "distilbert.") when the adapter's modules live under it
     * but the base was saved as a bare encoder; else "".
     */
    private static String taskPrefix(SafeTensors base, Set<String> modules) {
        if (!base.names().contains("embeddings.word_embeddings.weight")) return "";
        for (String prefix : List.of("bert.", "distilbert.")) {
            if (modules.stream().anyMatch(m -> m.startsWith(prefix))) return prefix;
        }
        return "";
    }

    /**
     * Writes out/config.json: the base's, naming the task architecture when the model has a
     * {@code classifier}, with {@code id2label} (and its inverse) when not null.
     */
    public static void writeConfig(Path baseDir, Path out, boolean classifier, Map<Integer, String> id2label) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(baseDir.resolve("config.json").toFile());
        if (classifier) {
            String type = config.path("model_type").asText();
            String arch = switch (type) {
                case "bert" -> "BertForSequenceClassification";
                case "distilbert" -> "DistilBertForSequenceClassification";
                default -> throw new IOException("a classification adapter over model_type " + type + " is not supported");
            };
            config.putArray("architectures").add(arch);
        }
        if (id2label != null) {
            ObjectNode ids = config.putObject("id2label"), labels = config.putObject("label2id");
            id2label.forEach((i, l) -> {
                ids.put(String.valueOf(i), l);
                labels.put(l, i);
            });
        }
        AtomicFile.write(out.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }
}
