package dev.javelin.cli;

import dev.javelin.models.WeightDType;
import picocli.CommandLine.Option;

/** {@code --dtype}: the precision the model's linear layers are loaded in (quantized on load). */
final class DTypeOption {
    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16|int8",
            description = "Weights of the linear layers: f32 (as the checkpoint stores them), bf16 or int8 (quantized on load; "
                    + "int8 is symmetric per output channel). Compute stays F32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    WeightDType value() {
        try {
            return WeightDType.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dtype: " + e.getMessage());
        }
    }
}
