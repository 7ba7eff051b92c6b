package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.bundled.BundledModel;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sentence-transformers modules after the transformer, against references computed here by hand
 * from the plain model's pooled vector: a Dense layer ({@code 2_Dense_8}: tanh(W·x + b), 384 → 8)
 * before Normalize, prompts from {@code config_sentence_transformers.json} (the default one and a
 * named one), and Matryoshka dimensions (first n, then renormalised). The model is all-MiniLM-L6-v2
 * with those files added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentenceTransformersModulesTest {
    private static final int OUT = 8;
    /** The hand reference is computed in double, the engine in float; this is a few float ulps of a unit vector. */
    private static final double TOLERANCE = 1e-6;

    private Path plainDir;
    private Path denseDir;
    private float[][] weight;
    private float[] bias;
    private Engine plain;
    private Engine dense;

    @BeforeAll
    void models(@TempDir Path tmp) throws IOException {
        plainDir = BundledModel.ALL_MINILM_L6_V2.directory(tmp.resolve("cache"));
        denseDir = copy(plainDir, tmp.resolve("dense"));
        SplittableRandom random = new SplittableRandom(11);
        weight = new float[OUT][384];
        bias = new float[OUT];
        float[] flat = new float[OUT * 384];
        for (int i = 0; i < flat.length; i++) flat[i] = (float) (random.nextGaussian() * 0.2);
        for (int o = 0; o < OUT; o++) {
            System.arraycopy(flat, o * 384, weight[o], 0, 384);
            bias[o] = (float) (random.nextGaussian() * 0.1);
        }
        writeDense(denseDir.resolve("2_Dense_8"), flat, bias, 384);
        Files.writeString(denseDir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Dense_8", "type": "sentence_transformers.models.Dense"},
                 {"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.writeString(denseDir.resolve(Prompts.FILE), """
                {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "query"}""");
        plain = Engine.load(ModelSpec.of(plainDir.toString()));
        dense = Engine.load(ModelSpec.of(denseDir.toString()));
    }

    @AfterAll
    void close() {
        plain.close();
        dense.close();
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("1_Pooling"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().endsWith(".safetensors")) Files.createSymbolicLink(to.resolve(f.getFileName()), f);
                else Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        Files.copy(from.resolve("1_Pooling/config.json"), to.resolve("1_Pooling/config.json"));
        return to;
    }

    private static void writeDense(Path dir, float[] flatWeight, float[] bias, int in) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"in_features\": " + in + ", \"out_features\": " + bias.length
                + ", \"bias\": true, \"activation_function\": \"torch.nn.modules.activation.Tanh\"}");
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), Map.of(
                    "linear.weight", Tensor.of(arena, flatWeight, bias.length, in),
                    "linear.bias", Tensor.of(arena, bias, bias.length)), Map.of("format", "pt"));
        }
    }

    /** The plain model's pooled (unnormalised) vector of {@code text}, through tanh(W·x + b), cut to {@code dims}, normalised: in double. */
    private double[] reference(String text, int dims) {
        float[] pooled = plain.embed(List.of(Input.of(text)), new EmbedOptions(Truncate.RIGHT, false, null))[0];
        double[] y = new double[dims];
        double norm = 0;
        for (int o = 0; o < dims; o++) {
            double z = bias[o];
            for (int i = 0; i < pooled.length; i++) z += (double) weight[o][i] * pooled[i];
            y[o] = Math.tanh(z);
            norm += y[o] * y[o];
        }
        for (int o = 0; o < dims; o++) y[o] /= Math.sqrt(norm);
        return y;
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) assertThat((double) actual[i]).as("dimension %d", i).isCloseTo(expected[i],
                org.assertj.core.data.Offset.offset(TOLERANCE));
    }

    @Test
    void denseLayerThenNormalizeWithTheDefaultPrompt() {
        assertThat(dense.info().hiddenSize()).isEqualTo(OUT);
        assertThat(dense.info().normalize()).isTrue();
        float[] v = dense.embed(List.of(Input.of("The cat sits on the mat.")), EmbedOptions.DEFAULT)[0];
        assertClose(v, reference("query: The cat sits on the mat.", OUT));
    }

    /**
     * include_prompt false: sentence-transformers masks the first len(tokenize(prompt)) − 1 tokens
     * ([CLS] "query" ":") out of the mean; they still pass through the encoder with the text.
     */
    @Test
    void includePromptFalseLeavesThePromptOutOfTheMean(@TempDir Path tmp) throws IOException {
        Path dir = copy(plainDir, tmp.resolve("excluded"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var pooling = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("1_Pooling/config.json").toFile());
        json.writeValue(dir.resolve("1_Pooling/config.json").toFile(), pooling.put("include_prompt", false));
        Files.writeString(dir.resolve(Prompts.FILE), "{\"prompts\": {\"query\": \"query: \"}, \"default_prompt_name\": \"query\"}");
        String text = "The cat sits on the mat.";
        try (Engine excluded = Engine.load(ModelSpec.of(dir.toString()))) {
            assertThat(excluded.promptTokensOutsidePooling(null)).isEqualTo(3);
            float[][] tokens = plain.embedAll(List.of(Input.of("query: " + text)), Truncate.RIGHT, null)[0];
            double[] mean = new double[tokens[0].length];
            for (int t = 3; t < tokens.length; t++) for (int i = 0; i < mean.length; i++) mean[i] += tokens[t][i] / (tokens.length - 3.0);
            EmbedOptions raw = new EmbedOptions(Truncate.RIGHT, false, null);
            assertClose(excluded.embed(List.of(Input.of(text)), raw)[0], mean);
            // a prompt counted in the pooling gives another vector; no prompt, nothing left out
            float[] withPrompt = plain.embed(List.of(Input.of("query: " + text)), raw)[0];
            assertThat(Math.abs(withPrompt[0] - mean[0]) + Math.abs(withPrompt[1] - mean[1])).isGreaterThan(1e-3);
            assertThat(plain.promptTokensOutsidePooling(null)).isZero();
        }
    }

    @Test
    void aNamedPromptReplacesTheDefault() {
        float[] v = dense.embed(List.of(Input.of("The cat sits on the mat.")), new EmbedOptions(Truncate.RIGHT, null, null, "passage"))[0];
        assertClose(v, reference("passage: The cat sits on the mat.", OUT));
        assertThatThrownBy(() -> dense.embed(List.of(Input.of("a")), new EmbedOptions(Truncate.RIGHT, null, null, "doc")))
                .isInstanceOf(InputException.class).hasMessage("`prompt_name` 'doc' is not one of the model's prompts [query, passage]");
        assertThatThrownBy(() -> plain.embed(List.of(Input.of("a")), new EmbedOptions(Truncate.RIGHT, null, null, "query")))
                .hasMessage("`prompt_name` 'query' is not one of the model's prompts (it has none)");
        assertThatThrownBy(() -> dense.prompted(List.of(Input.of("q", "d")), null)).hasMessage("`prompt_name` cannot be set with dual inputs");
        // token ids are decoded and prompted as text, as TEI does
        int[] ids = plain.encode(Input.of("hello world"), Truncate.RIGHT).ids();
        assertThat(dense.prompted(List.of(new Input.Ids(ids)), "passage")).containsExactly(Input.of("passage: hello world"));
    }

    @Test
    void matryoshkaDimensionsCutTheDenseOutputThenRenormalise() {
        float[] v = dense.embed(List.of(Input.of("The cat sits on the mat.")), new EmbedOptions(Truncate.RIGHT, null, 3))[0];
        assertClose(v, reference("query: The cat sits on the mat.", 3));
        assertThatThrownBy(() -> dense.checkDimensions(OUT + 1)).hasMessageContaining("maximum embedding dimension");
    }

    @Test
    void aDenseLayerThatDoesNotFitFailsAtLoad(@TempDir Path tmp) throws IOException {
        Path bad = copy(plainDir, tmp.resolve("bad"));
        Files.copy(denseDir.resolve("modules.json"), bad.resolve("modules.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        writeDense(bad.resolve("2_Dense_8"), new float[OUT * 100], new float[OUT], 100);
        assertThatThrownBy(() -> Engine.load(ModelSpec.of(bad.toString())))
                .hasMessageContaining("in_features is 100 but the vector before it has 384 dimensions");
        Files.writeString(bad.resolve(Prompts.FILE), "{\"prompts\": {\"query\": \"q: \"}, \"default_prompt_name\": \"passage\"}");
        assertThatThrownBy(() -> Prompts.load(bad)).hasMessageContaining("default_prompt_name 'passage' is not one of the prompts [query]");
    }
}
