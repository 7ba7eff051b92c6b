package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in sentiment adapter, as a PEFT directory on disk: {@code --model DIR} loads it over the
 * embedded default (its base_model_name_or_path) exactly as the default itself, and
 * {@code merge-adapter} writes a plain model of the same scores.
 */
class MergeAdapterCommandTest {
    private static final List<String> FILES = List.of("adapter_config.json", "adapter_model.safetensors", "config.json");
    private static final String[] TEXTS = {"This product is amazing!", "Terrible quality, waste of money.", "It's okay, nothing special."};

    @Test
    void adapterDirectoryClassifiesAsTheDefaultAndMergesIntoAPlainModel(@TempDir Path tmp) throws Exception {
        Path adapter = builtInAdapter(tmp.resolve("adapter"));
        CliRun builtIn = classify(null), viaAdapter = classify(adapter.toString());
        assertThat(viaAdapter.lines()).isEqualTo(builtIn.lines());

        Path merged = tmp.resolve("merged");
        CliRun merge = CliRun.of("", "merge-adapter", "--adapter", adapter.toString(), "--out", merged.toString());
        assertThat(merge.status()).as(merge.err()).isZero();
        assertThat(Files.readString(merged.resolve("config.json"))).contains("BertForSequenceClassification").contains("POSITIVE");
        CliRun viaMerged = classify(merged.toString());
        for (int i = 0; i < TEXTS.length; i++) {
            JsonNode want = builtIn.lines().get(i).get(0), got = viaMerged.lines().get(i).get(0);
            assertThat(got.get("label")).isEqualTo(want.get("label"));
            // merged and unmerged differ by float32 rounding only (DefaultSentimentTest bounds the logits)
            assertThat(got.get("score").asDouble()).isCloseTo(want.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void refusesWhatIsNotAnAdapterOrBadLabels(@TempDir Path tmp) throws Exception {
        CliRun notAdapter = CliRun.of("", "merge-adapter", "--adapter", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertThat(notAdapter.status()).isEqualTo(2);
        assertThat(notAdapter.err()).contains("has no adapter_config.json and adapter_model.safetensors");
        Path adapter = builtInAdapter(tmp.resolve("adapter"));
        CliRun badLabels = CliRun.of("", "merge-adapter", "--adapter", adapter.toString(), "--labels", "0=NEG,2=POS", "--out",
                tmp.resolve("o").toString());
        assertThat(badLabels.status()).isEqualTo(2);
        assertThat(badLabels.err()).contains("--labels: ids must be 0..1");
    }

    /** The built-in adapter's files (javelin-pipelines' resources) copied into {@code dir}. */
    private static Path builtInAdapter(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String f : FILES) {
            try (InputStream in = MergeAdapterCommandTest.class.getResourceAsStream("/dev/javelin/pipelines/sentiment/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    private static CliRun classify(String model) {
        String[] args = model == null ? new String[] {"classify"} : new String[] {"classify", "--model", model};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(TEXTS)).toArray(String[]::new);
        CliRun r = CliRun.of("", all);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(TEXTS.length);
        return r;
    }
}
