package dev.javelin.models;

import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import java.nio.file.Path;

/**
 * A model directory loaded for inference: the config, the mapped weights (closing unmaps them), the
 * encoder, the classification head when the checkpoint has one (else null), and the dtype its
 * linear weights are held in, in TEI's spelling ({@code float32}, {@code float16}, {@code bfloat16}, {@code int8}).
 */
public record LoadedModel(Path directory, ModelConfig config, SafeTensors weights, EncoderModel encoder,
                          SequenceClassifier classifier, String weightDtype) implements AutoCloseable {

    @Override
    public void close() {
        weights.close();
    }
}
