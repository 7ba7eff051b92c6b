package dev.javelin.cli;

import dev.javelin.io.source.ModelSource;
import dev.javelin.models.LoraAdapter;
import dev.javelin.models.PeftLora;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "merge-adapter", mixinStandardHelpOptions = true,
        description = {"Merges a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) into its base model,",
                "W + (alpha/r)·B·A, and writes a plain Hugging Face directory that runs at the base model's cost.",
                "Without merging, --model ADAPTER_DIR loads the adapter over its base directly (unmerged)."})
public final class MergeAdapterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "The PEFT adapter directory.")
    Path adapter;

    @Option(names = "--base", paramLabel = "MODEL", description = "Base model directory or Hugging Face id (default: the adapter's base_model_name_or_path).")
    String base;

    @Option(names = "--labels", paramLabel = "ID=NAME,...", description = "Label names of a classification adapter, e.g. 0=NEGATIVE,1=POSITIVE (default: config.json's beside the adapter, else the base's).")
    String labels;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            if (!PeftLora.isAdapter(adapter)) {
                throw new IllegalArgumentException("--adapter: " + adapter + " has no " + PeftLora.CONFIG + " and " + PeftLora.WEIGHTS);
            }
            Path baseDir = base != null ? ModelSource.resolve(base) : LoraAdapter.read(adapter).baseDirectory();
            PeftLora.merge(baseDir, adapter, out, labels == null ? null : id2label(labels));
            spec.commandLine().getOut().printf("merged %s into %s → %s%n", adapter, baseDir, out);
            return 0;
        });
    }

    private static Map<Integer, String> id2label(String spec) {
        Map<Integer, String> out = new TreeMap<>();
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            try {
                if (eq < 1 || eq == pair.length() - 1) throw new NumberFormatException();
                if (out.put(Integer.parseInt(pair.substring(0, eq).trim()), pair.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("--labels: id " + pair.substring(0, eq).trim() + " is named twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--labels: expected ID=NAME pairs such as 0=NEGATIVE,1=POSITIVE, got '" + pair + "'");
            }
        }
        for (int i = 0; i < out.size(); i++) {
            if (!out.containsKey(i)) throw new IllegalArgumentException("--labels: ids must be 0.." + (out.size() - 1));
        }
        return out;
    }
}
