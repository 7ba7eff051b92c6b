package dev.javelin.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.source.DefaultModel;
import dev.javelin.io.source.ModelSource;
import dev.javelin.nn.LowRankDelta;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A LoRA adapter in the PEFT library's layout ({@link PeftLora}), read and checked. Names here are
 * the model's own, PEFT's prefix removed. The update of module m is s·B·A with s = lora_alpha/r (lora_alpha/√r under
 * {@code use_rslora}). The tensors are copied out of the file (an adapter is small), so nothing stays
 * mapped. Immutable.
 */
public final class LoraAdapter {
    private static final String CONFIG = PeftLora.CONFIG, WEIGHTS = PeftLora.WEIGHTS, PREFIX = PeftLora.PREFIX;
    private static final String A = ".lora_A.weight", B = ".lora_B.weight";

    private final Path directory;
    private final String baseModel;
    private final int rank;
    private final float scale;
    private final Map<String, Tensor> down, up, whole;

    private LoraAdapter(Path directory, String baseModel, int rank, float scale, Map<String, Tensor> down, Map<String, Tensor> up,
                        Map<String, Tensor> whole) {
        this.directory = directory;
        this.baseModel = baseModel;
        this.rank = rank;
        this.scale = scale;
        this.down = Collections.unmodifiableMap(down);
        this.up = Collections.unmodifiableMap(up);
        this.whole = Collections.unmodifiableMap(whole);
    }

    /**
     * Reads the adapter in {@code dir}.
     *
     * @throws IOException for what Javelin does not apply (not LORA, DoRA, fan_in_fan_out, trained
     *                     biases, per-module rank or alpha), a tensor outside PEFT's naming, an A
     *                     without its B, or a rank other than {@code r}
     */
    public static LoraAdapter read(Path dir) throws IOException {
        JsonNode cfg;
        try {
            cfg = new ObjectMapper().readTree(dir.resolve(CONFIG).toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(dir.resolve(CONFIG) + ": not valid JSON: " + e.getOriginalMessage());
        }
        String type = cfg.path("peft_type").asText("");
        if (!type.equals("LORA")) throw new IOException(dir + ": peft_type is \"" + type + "\"; only LORA adapters are supported");
        if (cfg.path("fan_in_fan_out").asBoolean(false)) throw new IOException(dir + ": fan_in_fan_out (Conv1D weights) is not supported");
        if (cfg.path("use_dora").asBoolean(false)) throw new IOException(dir + ": DoRA adapters (use_dora) are not supported");
        if (!cfg.path("bias").asText("none").equals("none")) throw new IOException(dir + ": bias \"" + cfg.path("bias").asText() + "\" is not supported, only \"none\"");
        if (cfg.path("rank_pattern").size() > 0 || cfg.path("alpha_pattern").size() > 0) {
            throw new IOException(dir + ": per-module rank_pattern / alpha_pattern are not supported");
        }
        int r = cfg.path("r").asInt(0);
        double alpha = cfg.path("lora_alpha").asDouble(Double.NaN);
        if (r < 1 || !(alpha > 0)) throw new IOException(dir + ": " + CONFIG + " needs r ≥ 1 and lora_alpha > 0");
        float scale = (float) (cfg.path("use_rslora").asBoolean(false) ? alpha / Math.sqrt(r) : alpha / r);
        String base = cfg.path("base_model_name_or_path").asText("");
        Map<String, Tensor> down = new TreeMap<>(), up = new TreeMap<>(), whole = new TreeMap<>();
        Arena arena = Arena.ofAuto();
        try (SafeTensors file = SafeTensors.open(dir.resolve(WEIGHTS))) {
            for (String name : file.names()) {
                if (!name.startsWith(PREFIX)) throw new IOException(dir + ": tensor " + name + " lacks PEFT's prefix " + PREFIX);
                String local = name.substring(PREFIX.length());
                Tensor t;
                try {
                    t = file.tensor(name).copy(arena);
                } catch (RuntimeException e) {
                    throw new IOException(dir + ": cannot use tensor " + name + ": " + e.getMessage());
                }
                if (local.endsWith(A)) down.put(local.substring(0, local.length() - A.length()), t);
                else if (local.endsWith(B)) up.put(local.substring(0, local.length() - B.length()), t);
                else if (local.contains(".lora_")) throw new IOException(dir + ": unexpected LoRA tensor " + name);
                else whole.put(local, t);
            }
        }
        if (!down.keySet().equals(up.keySet())) {
            Set<String> odd = new java.util.TreeSet<>(down.keySet());
            odd.addAll(up.keySet());
            odd.removeIf(m -> down.containsKey(m) && up.containsKey(m));
            throw new IOException(dir + ": " + odd + " lack lora_A or lora_B");
        }
        for (String m : down.keySet()) {
            Tensor a = down.get(m), b = up.get(m);
            if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != r || b.dim(1) != r) {
                throw new IOException(dir + ": " + m + " has lora_A " + java.util.Arrays.toString(a.shape()) + " and lora_B "
                        + java.util.Arrays.toString(b.shape()) + "; r = " + r + " needs [" + r + ", in] and [out, " + r + "]");
            }
        }
        return new LoraAdapter(dir, base, r, scale, down, up, whole);
    }

    public Path directory() { return directory; }

    /** {@code base_model_name_or_path} as written. */
    public String baseModel() { return baseModel; }

    public int rank() { return rank; }

    /** s: lora_alpha/r, or lora_alpha/√r under use_rslora. */
    public float scale() { return scale; }

    /** The adapted linear layers, by the model's names (e.g. {@code bert.encoder.layer.0.attention.self.query}). */
    public Set<String> modules() { return down.keySet(); }

    /** A [r, in] of {@code module}. */
    public Tensor a(String module) { return down.get(module); }

    /** B [out, r] of {@code module}. */
    public Tensor b(String module) { return up.get(module); }

    /** The update of {@code module}, unmerged. */
    public LowRankDelta delta(String module) { return new LowRankDelta(a(module), b(module), scale); }

    /** Names of the tensors saved whole (modules_to_save), by the model's names (e.g. {@code classifier.weight}). */
    public Set<String> wholeTensors() { return whole.keySet(); }

    public Tensor wholeTensor(String name) { return whole.get(name); }

    /**
     * The base model's directory: {@code base_model_name_or_path} as a directory (relative to the
     * adapter's, or absolute), the embedded default when it names the default's id, else a Hub id
     * found in the Hugging Face cache or downloaded.
     */
    public Path baseDirectory() throws IOException {
        if (baseModel.isBlank()) throw new IOException(directory.resolve(CONFIG) + " names no base_model_name_or_path");
        Path local = localDirectory();
        if (local == null) {
            Path embedded = embeddedDefault();
            local = embedded != null ? embedded : ModelSource.resolve(baseModel);
        }
        if (PeftLora.isAdapter(local)) throw new IOException(directory + ": its base " + local + " is itself an adapter; merge that one first");
        return local;
    }

    private Path localDirectory() {
        try {
            Path p = directory.resolve(baseModel);
            return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private Path embeddedDefault() throws IOException {
        DefaultModel embedded;
        try {
            embedded = DefaultModel.find();
        } catch (IOException absent) {
            return null; // then the id is looked up like any other
        }
        return embedded.modelId().equals(baseModel) ? embedded.directory() : null;
    }
}
