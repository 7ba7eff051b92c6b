package dev.javelin.models;

import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import java.nio.file.Path;

/**
 * A model directory loaded for inference: the config, the mapped weights (closing unmaps them), the
 * encoder, and the classification head when the checkpoint has one (else null).
 */
public record LoadedModel(Path directory, ModelConfig config, SafeTensors weights, EncoderModel encoder,
                          SequenceClassifier classifier) implements AutoCloseable {

    @Override
    public void close() {
        weights.close();
    }
}
