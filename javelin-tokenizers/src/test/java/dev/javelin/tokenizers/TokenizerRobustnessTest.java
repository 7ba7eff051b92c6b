package dev.javelin.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any input is safe; bad tokenizer files fail at load with the problem named. */
class TokenizerRobustnessTest {
    private static final Tokenizer BERT = load();

    private static Tokenizer load() {
        try {
            return Tokenizer.fromJson(HuggingFaceParityTest.json("bge-small-en-v1.5-tokenizer.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oddInputsEncodeToWellFormedEncodings() {
        List<String> inputs = List.of("", " ", "\t\n\r ", "\u0000\u0001\u007F", "\uD800", "\uDC00x\uD83D",
                "\u0301\u0302\u0303", "e\u0301\u0323\u0302", "日本語", "👨‍👩‍👧", "\uFFFD\uFEFF\u200B", "[SEP][CLS]");
        for (String s : inputs) {
            Encoding e = BERT.encode(s, s, true);
            assertThat(e.ids()).hasSameSizeAs(e.offsets()).hasSameSizeAs(e.tokens()).hasSameSizeAs(e.typeIds());
            wellFormed(e, s);
        }
        assertThat(BERT.withoutPadding().encode("").tokens()).containsExactly("[CLS]", "[SEP]");
    }

    @Test
    void randomCodePointsNeverBreakOffsets() {
        SplittableRandom r = new SplittableRandom(7);
        Tokenizer t = BERT.withoutPadding().withoutTruncation();
        for (int i = 0; i < 2000; i++) {
            String s = ParityCorpus.randomCodePoints(r, 1 + r.nextInt(40));
            wellFormed(t.encode(s), s);
        }
    }

    private static void wellFormed(Encoding e, String s) {
        int[][] o = e.offsets();
        int[] special = e.specialTokensMask();
        for (int i = 0; i < o.length; i++) {
            assertThat(o[i][0]).isBetween(0, o[i][1]);
            assertThat(o[i][1]).isLessThanOrEqualTo(s.length());
            if (special[i] == 1) {
                assertThat(o[i]).containsExactly(0, 0);
            }
        }
    }

    @Test
    void megabyteInputWithTruncationKeepsMaxLength() {
        StringBuilder sb = new StringBuilder(1 << 20);
        while (sb.length() < (1 << 20)) {
            sb.append("Tokenizers must stay linear on huge inputs, even with naïve Ünïcödé and 漢字. ");
        }
        String text = sb.toString();
        Encoding e = BERT.withTruncation(Truncation.of(512)).withoutPadding().encode(text);
        assertThat(e.length()).isEqualTo(512);
        assertThat(e.tokens()[1]).isEqualTo("token");
        Encoding left = BERT.withTruncation(new Truncation(512, Truncation.Strategy.LONGEST_FIRST, 0,
                Truncation.Direction.LEFT)).withoutPadding().encode(text);
        assertThat(left.offsets()[510][1]).isEqualTo(text.stripTrailing().length());
    }

    @Test
    void paddingAndTruncationSettings() {
        Tokenizer t = BERT.withTruncation(Truncation.of(8)).withPadding(Padding.batchLongest().withPadToMultipleOf(4));
        List<Encoding> batch = t.encodeBatch(List.of("a b", "one two three four five six seven eight"));
        assertThat(batch.get(0).length()).isEqualTo(8);
        assertThat(batch.get(0).attentionMask()).containsExactly(1, 1, 1, 1, 0, 0, 0, 0);
        assertThat(batch.get(1).tokens()).endsWith("[SEP]");
        assertThat(batch.get(1).overflowing()).isNotEmpty();
        Encoding left = BERT.withPadding(Padding.fixed(6).withDirection(Padding.Direction.LEFT)).encode("hi");
        assertThat(left.tokens()).containsExactly("[PAD]", "[PAD]", "[PAD]", "[CLS]", "hi", "[SEP]");
        assertThatThrownBy(() -> BERT.withTruncation(new Truncation(10, Truncation.Strategy.LONGEST_FIRST, 8,
                Truncation.Direction.RIGHT))).hasMessageContaining("stride 8");
        assertThatThrownBy(() -> BERT.withTruncation(new Truncation(10, Truncation.Strategy.ONLY_SECOND, 0,
                Truncation.Direction.RIGHT)).encode("one two three four five six seven eight nine ten"))
                .hasMessageContaining("only_second");
    }

    @Test
    void decodeAndVocabulary() {
        Encoding e = BERT.encode("Hello, world! Don't panic.");
        assertThat(BERT.decode(e.ids(), true)).isEqualTo("hello, world! don ' t panic.");
        assertThat(BERT.decode(e.ids(), false)).isEqualTo("[CLS] hello, world! don ' t panic. [SEP]");
        assertThat(BERT.tokenToId("[MASK]")).isEqualTo(103);
        assertThat(BERT.idToToken(7592)).isEqualTo("hello");
        assertThat(BERT.tokenToId("no-such-token")).isEqualTo(-1);
    }

    @Test
    void badFilesNameTheProblem(@TempDir Path dir) throws IOException {
        String json = HuggingFaceParityTest.json("bge-small-en-v1.5-tokenizer.json");
        assertThatThrownBy(() -> Tokenizer.fromJson(json.replace("\"BertPreTokenizer\"", "\"ScriptSplit\"")))
                .hasMessage("pre_tokenizer type 'ScriptSplit' is not supported by Javelin");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model")).put("type", "Unigram");
        assertThatThrownBy(() -> Tokenizer.fromJson(mapper.writeValueAsString(root)))
                .hasMessage("Unigram model: 'vocab' must be a list of [piece, score]");
        assertThatThrownBy(() -> Tokenizer.fromJson("{\"model\": ")).hasMessageContaining("invalid tokenizer JSON");
        assertThatThrownBy(() -> Tokenizer.fromJson("[]")).hasMessageContaining("must be an object");
        assertThatThrownBy(() -> Tokenizer.fromJson("{}")).hasMessageContaining("no 'model'");
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.replace("\"[UNK]\": 100", "\"[UNK]\": \"x\""));
        assertThatThrownBy(() -> Tokenizer.fromFile(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("'[UNK]' is not an integer");
        Files.writeString(file, json);
        assertThat(Tokenizer.fromFile(dir).encode("ok").tokens()).contains("ok");
    }
}
