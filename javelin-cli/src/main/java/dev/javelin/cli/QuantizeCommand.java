package dev.javelin.cli;

import dev.javelin.io.source.ModelSource;
import dev.javelin.models.Quantizer;
import dev.javelin.models.WeightDType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Writes a copy of a model with its linear layers in int8 or bf16: a Hugging Face directory that",
                "Javelin (and compressed-tensors loaders, for int8) load like any other. int8 follows compressed-tensors'",
                "int-quantized format: I8 weight + F32 weight_scale per output channel, quantization_config in config.json.",
                "Embeddings, layer norms, biases, tokenizer and pooling files are copied unchanged."})
public final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model directory or Hugging Face id.")
    String model;

    @Option(names = "--dtype", required = true, paramLabel = "int8|bf16", description = "Precision of the linear weights.")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create (must not exist or be empty).")
    Path out;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            WeightDType d = WeightDType.parse(dtype);
            if (d == WeightDType.F32) throw new IllegalArgumentException("--dtype: quantize writes int8 or bf16");
            Quantizer.Result r = Quantizer.write(ModelSource.resolve(model), d, out);
            spec.commandLine().getOut().printf("%s: %d linear weights in %s; weights %.1f MB → %.1f MB → %s%n", model,
                    r.linearWeights(), d.label(), r.bytesBefore() / 1e6, r.bytesAfter() / 1e6, out);
            return 0;
        });
    }
}
