package dev.javelin.cli;

import static dev.javelin.cli.TrainClassifierCommandTest.javelin;
import static dev.javelin.cli.TrainClassifierCommandTest.topics;
import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.source.DefaultModel;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fine-tune over a DistilBERT from the command line, full and LoRA, first-token and mean-pooled heads:
 * what it writes is what classify and eval load. The base is a tiny random DistilBERT (there is no
 * real one among the models tests may use) in sentence-transformers' bare layout, with the embedded
 * default model's WordPiece tokenizer.
 */
class FineTuneCommandTest {
    private static final int DIM = 32, HEADS = 4, HIDDEN_DIM = 64, LAYERS = 2, POSITIONS = 64;

    @TempDir
    Path dir;
    private Path base, train, test;

    @BeforeEach
    void data() throws IOException {
        train = Files.writeString(dir.resolve("train.csv"), topics(20, 0));
        test = Files.writeString(dir.resolve("test.csv"), topics(10, 100));
        base = tinyDistilBert(dir.resolve("tiny-distilbert"));
    }

    /** config.json, model.safetensors (embeddings.*, transformer.layer.N.*) and the default model's tokenizer.json. */
    private static Path tinyDistilBert(Path out) throws IOException {
        Path tokenizer = DefaultModel.find().directory().resolve("tokenizer.json");
        int vocab = 30522;
        SplittableRandom r = new SplittableRandom(17);
        Arena arena = Arena.ofAuto();
        Map<String, Tensor> t = new LinkedHashMap<>();
        put(t, arena, r, "embeddings.word_embeddings.weight", 0.5, vocab, DIM);
        put(t, arena, r, "embeddings.position_embeddings.weight", 0.1, POSITIONS, DIM);
        norm(t, arena, "embeddings.LayerNorm");
        for (int i = 0; i < LAYERS; i++) {
            String p = "transformer.layer." + i + ".";
            for (String proj : new String[] {"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"}) {
                linear(t, arena, r, p + proj, DIM, DIM);
            }
            norm(t, arena, p + "sa_layer_norm");
            linear(t, arena, r, p + "ffn.lin1", HIDDEN_DIM, DIM);
            linear(t, arena, r, p + "ffn.lin2", DIM, HIDDEN_DIM);
            norm(t, arena, p + "output_layer_norm");
        }
        Files.createDirectories(out);
        SafeTensorsWriter.write(out.resolve("model.safetensors"), t, Map.of("format", "pt"));
        Files.writeString(out.resolve("config.json"), """
                {"architectures": ["DistilBertModel"], "model_type": "distilbert", "vocab_size": %d, "dim": %d, "n_layers": %d,
                 "n_heads": %d, "hidden_dim": %d, "activation": "gelu", "max_position_embeddings": %d, "pad_token_id": 0,
                 "sinusoidal_pos_embds": false}
                """.formatted(vocab, DIM, LAYERS, HEADS, HIDDEN_DIM, POSITIONS));
        Files.copy(tokenizer, out.resolve("tokenizer.json"));
        return out;
    }

    private static void linear(Map<String, Tensor> t, Arena a, SplittableRandom r, String name, int out, int in) {
        put(t, a, r, name + ".weight", 1 / Math.sqrt(in), out, in);
        put(t, a, r, name + ".bias", 0.0, out);
    }

    private static void norm(Map<String, Tensor> t, Arena a, String name) {
        float[] ones = new float[DIM];
        java.util.Arrays.fill(ones, 1f);
        t.put(name + ".weight", Tensor.of(a, ones, DIM));
        t.put(name + ".bias", Tensor.of(a, new float[DIM], DIM));
    }

    private static void put(Map<String, Tensor> t, Arena a, SplittableRandom r, String name, double std, int... shape) {
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
        t.put(name, Tensor.of(a, v, shape));
    }

    private TrainClassifierCommandTest.Run fineTune(String out, String... extra) {
        String[] common = {"fine-tune", "--model", base.toString(), "--data", train.toString(), "--validation", test.toString(),
            "--out", dir.resolve(out).toString(), "--batch-tokens", "128", "--seed", "3"};
        String[] args = java.util.Arrays.copyOf(common, common.length + extra.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        TrainClassifierCommandTest.Run r = javelin(args);
        assertThat(r.status()).as(r.err()).isZero();
        return r;
    }

    private double accuracy(String model) {
        TrainClassifierCommandTest.Run eval = javelin("eval", "--model", dir.resolve(model).toString(), "--data", test.toString());
        assertThat(eval.status()).as(eval.err()).isZero();
        Matcher m = Pattern.compile("accuracy\\s+([0-9.]+)").matcher(eval.out());
        assertThat(m.find()).as(eval.out()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String classify(String model, String text) {
        TrainClassifierCommandTest.Run c = javelin("classify", "--model", dir.resolve(model).toString(), text);
        assertThat(c.status()).as(c.err()).isZero();
        return c.out();
    }

    @Test
    void fullFineTuningWritesADistilBertClassifierThatClassifyLoads() throws IOException {
        TrainClassifierCommandTest.Run r = fineTune("full", "--method", "full", "--lr", "1e-3", "--epochs", "6");
        System.out.print(r.err() + r.out());
        assertThat(r.err()).contains("full fine-tuning");
        assertThat(Files.readString(dir.resolve("full/config.json"))).contains("DistilBertForSequenceClassification").contains("\"cooking\"");
        assertThat(classify("full", "the soup simmered slowly")).contains("cooking");
        assertThat(accuracy("full")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void loraUsesPeftsDistilBertNamesAndMergesIntoAClassifier() throws IOException {
        TrainClassifierCommandTest.Run r = fineTune("lora", "--method", "lora", "--lr", "1e-2", "--epochs", "12");
        System.out.print(r.err() + r.out());
        assertThat(r.err()).contains("on [q_lin, k_lin, v_lin, out_lin, lin1, lin2]");
        String adapter = Files.readString(dir.resolve("lora/adapter/adapter_config.json"));
        assertThat(adapter).contains("\"q_lin\"").contains("\"lin2\"").contains("\"pre_classifier\"").contains("\"classifier\"");
        assertThat(Files.readString(dir.resolve("lora/config.json"))).contains("DistilBertForSequenceClassification");
        assertThat(classify("lora", "the bank approved the loan")).contains("finance");
        assertThat(accuracy("lora")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void meanPoolingWritesAHeadOverTheFineTunedEncoder() throws IOException {
        TrainClassifierCommandTest.Run r = fineTune("mean", "--method", "lora", "--lr", "1e-2", "--epochs", "4", "--pooling", "mean");
        System.out.print(r.err() + r.out());
        assertThat(Files.readString(dir.resolve("mean/config.json"))).contains("javelin-embedding-classifier").contains("\"mean\"");
        assertThat(Files.readString(dir.resolve("mean/encoder/config.json"))).contains("distilbert").doesNotContain("ForSequenceClassification");
        assertThat(Files.readString(dir.resolve("mean/config.json"))).contains("\"./encoder\"");
        assertThat(classify("mean", "the oven was preheated")).contains("cooking");
        Files.move(dir.resolve("mean"), dir.resolve("mean-moved")); // the head finds its encoder wherever it goes
        assertThat(accuracy("mean-moved")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void poolingOtherThanClsOrMeanIsRefusedInOneLine() {
        TrainClassifierCommandTest.Run r = javelin("fine-tune", "--model", base.toString(), "--data", train.toString(),
                "--out", dir.resolve("max").toString(), "--pooling", "max");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("javelin fine-tune: fine-tuning pools by cls or mean, not max");
        assertThat(dir.resolve("max/config.json")).doesNotExist();
    }
}
