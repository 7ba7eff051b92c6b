package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train-classifier and eval from the command line: exit codes, one-line errors, the reports. */
class TrainClassifierCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run javelin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Two topics a bag of words separates, as CSV: perClass examples of each, numbered from offset. */
    static String topics(int perClass, int offset) {
        String[] cooking = {"the soup simmered slowly", "she baked a loaf of bread", "the oven was preheated",
            "he chopped fresh basil", "the pasta sauce was seasoned"};
        String[] finance = {"the stock market fell", "interest rates rose again", "the bank approved the loan",
            "quarterly earnings beat forecasts", "the bond yield climbed"};
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < perClass; i++) {
            int k = (i + offset) % 5;
            csv.append('"').append(cooking[k]).append(" on day ").append(i + offset).append("\",cooking\n");
            csv.append('"').append(finance[k]).append(" on day ").append(i + offset).append("\",finance\n");
        }
        return csv.toString();
    }

    @Test
    void trainsThenEvaluates() throws IOException {
        Path train = Files.writeString(dir.resolve("train.csv"), topics(20, 0));
        Path test = Files.writeString(dir.resolve("test.csv"), topics(10, 100));
        Path model = dir.resolve("model");
        Run trained = javelin("train-classifier", "--data", train.toString(), "--out", model.toString(),
                "--cache-dir", dir.resolve("cache").toString());
        assertThat(trained.status()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("validation: 4 examples held out").contains("accuracy").contains("confusion matrix")
                .contains("wrote " + model);
        assertThat(trained.err()).contains("chose λ=");
        assertThat(model.resolve("config.json")).exists();
        assertThat(model.resolve("model.safetensors")).exists();

        Run evaluated = javelin("eval", "--model", model.toString(), "--data", test.toString());
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("examples  20").contains("accuracy  1.0000");

        Run validated = javelin("train-classifier", "--data", train.toString(), "--validation", test.toString(),
                "--l2", "0.01", "--out", dir.resolve("model2").toString(), "--cache-dir", dir.resolve("cache").toString());
        assertThat(validated.status()).as(validated.err()).isZero();
        assertThat(validated.out()).contains("validation: " + test).contains("examples  20").contains("(λ=1.0e-02)");
        assertThat(validated.err()).contains("training: 40 texts (40 distinct) from the embedding cache");
    }

    @Test
    void badDataIsOneLineAndStatusTwo() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "text,label\ngood,1\n,0\n");
        Run r = javelin("train-classifier", "--data", bad.toString(), "--out", dir.resolve("m").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("javelin train-classifier: " + bad + ":3: empty text in column 'text'");
        assertThat(dir.resolve("m")).doesNotExist();
    }

    @Test
    void badOptionsAreStatusTwo() throws IOException {
        Path data = Files.writeString(dir.resolve("d.csv"), "text,label\na,x\nb,y\n");
        Run labels = javelin("train-classifier", "--data", data.toString(), "--out", dir.resolve("m").toString(),
                "--labels", "x=A,y");
        assertThat(labels.status()).isEqualTo(2);
        assertThat(labels.err()).contains("--labels: expected RAW=NAME pairs");
        Run format = javelin("eval", "--data", data.toString(), "--format", "xml");
        assertThat(format.status()).isEqualTo(2);
        assertThat(format.err()).contains("--format: expected csv, tsv or jsonl, got 'xml'");
        Run missing = javelin("eval", "--data", dir.resolve("absent.tsv").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("javelin eval: " + dir.resolve("absent.tsv") + ": no such file");
    }

    @Test
    void anExistingModelIsNotOverwrittenWithoutAsking() throws IOException {
        Path data = Files.writeString(dir.resolve("d.csv"), "text,label\na,x\nb,y\n");
        Path existing = Files.createDirectories(dir.resolve("existing"));
        Path config = Files.writeString(existing.resolve("config.json"), "{\"kept\": true}");
        Run r = javelin("train-classifier", "--data", data.toString(), "--out", existing.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("javelin train-classifier: --out " + existing
                + " already holds files (a trained model?); pass --overwrite to replace them, or choose another directory");
        assertThat(Files.readString(config)).isEqualTo("{\"kept\": true}");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(javelin("train-classifier", "--data", data.toString(), "--out", file.toString()).err())
                .contains("is a file, not a model directory");
    }
}
