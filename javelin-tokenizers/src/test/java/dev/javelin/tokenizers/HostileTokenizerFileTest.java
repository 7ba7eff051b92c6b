package dev.javelin.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tokenizer.json} from the Hub is untrusted input: a hostile one must fail with a clear error
 * in bounded time and memory, never hang, crash or exhaust the heap. (The timeouts are hang guards,
 * far above the milliseconds these take.)
 */
class HostileTokenizerFileTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration HANG = Duration.ofSeconds(60);

    private static ObjectNode minilm() throws IOException {
        return (ObjectNode) MAPPER.readTree(HuggingFaceParityTest.json(HuggingFaceParityTest.FILES[0]));
    }

    @Test
    void catastrophicSplitRegexFailsFast() throws IOException {
        ObjectNode root = minilm();
        root.set("pre_tokenizer", MAPPER.readTree(
                "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(x+x+)+y\"},\"behavior\":\"Isolated\",\"invert\":false}"));
        Tokenizer t = Tokenizer.fromJson(MAPPER.writeValueAsString(root));
        String text = "x".repeat(3000);
        assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> t.encode(text))
                .isInstanceOf(RegexBudget.RegexBudgetExceededException.class)
                .hasMessageContaining("(x+x+)+y").hasMessageContaining("3000 characters"));
        // A benign text through the same pattern still works.
        assertThat(t.encode("xxy xy").ids()).isNotEmpty();
    }

    @Test
    void catastrophicReplaceRegexFailsFast() throws IOException {
        ObjectNode root = minilm();
        root.set("normalizer", MAPPER.readTree(
                "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"(x+x+)+y\"},\"content\":\"c\"}"));
        Tokenizer t = Tokenizer.fromJson(MAPPER.writeValueAsString(root));
        assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> t.encode("x".repeat(5000)))
                .isInstanceOf(RegexBudget.RegexBudgetExceededException.class).hasMessageContaining("(x+x+)+y"));
    }

    @Test
    void hugeVocabularyIdsCostNoMemoryAndKeepParity() throws IOException {
        for (long id : new long[] {2147483647L, 1_500_000_000L}) {
            ObjectNode root = minilm();
            ((ObjectNode) root.get("model").get("vocab")).put("hostile", id);
            String json = MAPPER.writeValueAsString(root);
            long allocated = allocated(() -> Tokenizer.fromJson(json));
            assertThat(allocated).as("bytes allocated loading a vocabulary with id " + id)
                    .isLessThan(64L * json.length() + (64 << 20));
            Tokenizer ours = Tokenizer.fromJson(json).withoutPadding().withoutTruncation();
            try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json,
                    HuggingFaceParityTest.options("truncation", "false", "padding", "false"))) {
                for (String s : new String[] {"hostile words", "a hostile vocabulary id", "nothing here"}) {
                    assertThat(Arrays.stream(ours.encode(s).ids()).asLongStream().toArray())
                            .as(s).containsExactly(ref.encode(s).getIds());
                }
                assertThat(ours.decode(ours.encode("hostile").ids(), true)).isEqualTo("hostile");
            }
        }
    }

    @Test
    void negativeVocabularyIdIsAClearError() throws IOException {
        ObjectNode root = minilm();
        ((ObjectNode) root.get("model").get("vocab")).put("hostile", -5);
        String json = MAPPER.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary id -5 of 'hostile' is negative");
    }

    @Test
    void millionEntryVocabularyLoadsInMemoryProportionalToTheFile() {
        StringBuilder sb = new StringBuilder(24 << 20).append("{\"model\":{\"type\":\"WordLevel\",\"unk_token\":\"w0\",\"vocab\":{");
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"w").append(i).append("\":").append(i);
        }
        String json = sb.append("}}}").toString();
        long[] size = new long[1];
        long allocated = allocated(() -> size[0] = Tokenizer.fromJson(json).vocabSize());
        assertThat(size[0]).isEqualTo(n);
        // Jackson's tree, the token map and the id index: a few hundred bytes per entry, never more.
        assertThat(allocated).as("bytes allocated per byte of a %d-byte file", json.length())
                .isLessThan(40L * json.length());
    }

    @Test
    void junkFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("tokenizer.json");
        Files.write(junk, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xFF, (byte) 0xFE});
        assertThatThrownBy(() -> Tokenizer.fromFile(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("not UTF-8");
        Files.writeString(junk, "<html>not json</html>", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Tokenizer.fromFile(junk)).isInstanceOf(IOException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("invalid tokenizer JSON");
    }

    @Test
    void corruptSentencePieceDataIsAClearError() throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(UnigramParityTest.json("ortx-t5-small"));
        ((ObjectNode) root.get("model")).put("unk_id", 1_000_000);
        String badUnk = MAPPER.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(badUnk)).hasMessageContaining("unk_id 1000000 is outside");

        root = (ObjectNode) MAPPER.readTree(UnigramParityTest.json("ortx-t5-small"));
        byte[] map = Base64.getDecoder().decode(root.get("normalizer").get("precompiled_charsmap").asText());
        ((ObjectNode) root.get("normalizer")).put("precompiled_charsmap",
                Base64.getEncoder().encodeToString(Arrays.copyOf(map, 1000)));
        String truncated = MAPPER.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(truncated)).hasMessageContaining("Precompiled normalizer: the trie");

        // A trie whose units point outside it: the first lookup that follows one says so.
        byte[] scrambled = map.clone();
        for (int i = 8; i < 4 + 4 * 64; i += 4) {
            scrambled[i + 3] = (byte) 0x7F;
        }
        ((ObjectNode) root.get("normalizer")).put("precompiled_charsmap", Base64.getEncoder().encodeToString(scrambled));
        String pointers = MAPPER.writeValueAsString(root);
        assertThatThrownBy(() -> Tokenizer.fromJson(pointers).encode("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("precompiled_charsmap");
    }

    private static long allocated(Runnable r) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        r.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
