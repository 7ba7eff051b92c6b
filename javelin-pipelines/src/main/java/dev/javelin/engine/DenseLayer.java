package dev.javelin.engine;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sentence-transformers {@code Dense} module ({@code 2_Dense/}, {@code 2_Dense_<dims>/}): after
 * pooling, {@code activation(W·x + b)}, changing the embedding's width to {@code out_features}. Its
 * {@code config.json} gives in_features, out_features, bias and activation_function (Tanh unless the
 * module says Identity); {@code model.safetensors} holds {@code linear.weight} [out, in] and
 * {@code linear.bias} [out].
 */
final class DenseLayer {
    private static final String TANH = "torch.nn.modules.activation.Tanh";
    private static final String IDENTITY = "torch.nn.modules.linear.Identity";

    private final LinearMap linear;
    private final boolean tanh;

    private DenseLayer(LinearMap linear, boolean tanh) {
        this.linear = linear;
        this.tanh = tanh;
    }

    static DenseLayer load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) throw new IOException(dir + ": a Dense module needs config.json");
        JsonNode config = new ObjectMapper().readTree(configFile.toFile());
        int in = config.path("in_features").asInt(0), out = config.path("out_features").asInt(0);
        if (in < 1 || out < 1) throw new IOException(configFile + ": in_features and out_features must be positive integers");
        String activation = config.path("activation_function").asText(TANH);
        if (!activation.equals(TANH) && !activation.equals(IDENTITY)) {
            throw new IOException(configFile + ": activation_function " + activation + " is not supported; Javelin runs "
                    + TANH + " and " + IDENTITY);
        }
        boolean hasBias = config.path("bias").asBoolean(true);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new IOException(dir + ": a Dense module's weights must be in model.safetensors (pytorch_model.bin is not read)");
        }
        try (SafeTensors tensors = SafeTensors.open(weights)) {
            Tensor w = tensors.tensor("linear.weight");
            if (!Arrays.equals(w.shape(), new int[] {out, in})) {
                throw new IOException(weights + ": linear.weight is " + Arrays.toString(w.shape()) + ", config.json says [" + out + ", " + in + "]");
            }
            float[] bias = null;
            if (hasBias) {
                Tensor b = tensors.tensor("linear.bias");
                if (!Arrays.equals(b.shape(), new int[] {out})) {
                    throw new IOException(weights + ": linear.bias is " + Arrays.toString(b.shape()) + ", config.json says [" + out + "]");
                }
                bias = b.toArray();
            }
            return new DenseLayer(new LinearMap(LinearMap.rows(w.toArray(), out, in), bias), activation.equals(TANH));
        }
    }

    int in() {
        return linear.in();
    }

    int out() {
        return linear.out();
    }

    float[] apply(float[] x) {
        float[] y = linear.apply(x);
        if (tanh) for (int i = 0; i < y.length; i++) y[i] = (float) Math.tanh(y[i]);
        return y;
    }
}
