package dev.javelin.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The golden T5 encodings that swift-transformers keeps, produced by Python {@code transformers}
 * 4.57.1 ({@code google-t5/t5-small}, whose vocabulary t5-base shares), against the real t5-small
 * {@code tokenizer.json}: ids, tokens (as Python names them: {@code <unk>} for unknown pieces) and the
 * decoded text with and without special tokens (Python applies {@code clean_up_tokenization_spaces},
 * which the T5 tokenizer_config.json turns on).
 */
class SwiftTransformersGoldenTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Tokenizer t5;
    private static Path golden;

    @BeforeAll
    static void load() throws IOException {
        t5 = Tokenizer.fromJson(UnigramParityTest.json("ortx-t5-small")).withoutTruncation().withoutPadding();
        golden = SharedData.find("tokenizers/unigram/golden-swift-transformers");
        assertThat(golden).as("shared/datasets/tokenizers/unigram/golden-swift-transformers").isNotNull();
    }

    private record Case(String source, String text, JsonNode ids, JsonNode tokens, String withSpecial,
                        String withoutSpecial) {
    }

    @Test
    void everyGoldenEncodingMatches() throws IOException {
        List<Case> cases = new ArrayList<>();
        JsonNode base = MAPPER.readTree(golden.resolve("HEAD/t5_base_encoded.json").toFile());
        // Its tokens are Python's tokenize() (no special tokens), its text decode() keeping them.
        cases.add(new Case("t5_base_encoded", base.get("text").asText(), base.get("token_ids"), null,
                base.get("decoded_text").asText(), null));
        assertThat(t5.encode(base.get("text").asText(), null, false).tokens()).as("t5_base_encoded tokens")
                .containsExactly(MAPPER.convertValue(base.get("bpe_tokens"), String[].class));
        for (JsonNode c : MAPPER.readTree(golden.resolve("HEAD/tokenizer_tests.json").toFile()).get("t5-base")) {
            cases.add(new Case("tokenizer_tests t5-base", c.get("input").asText(), c.get("encoded").get("input_ids"), null,
                    c.get("decoded_with_special").asText(), c.get("decoded_without_special").asText()));
        }
        Map<String, String> inputs = new HashMap<>();
        for (JsonNode c : MAPPER.readTree(golden.resolve("c00cb4cf/inputs.json").toFile())) {
            inputs.put(c.get("id").asText(), c.get("text").asText());
        }
        for (JsonNode c : MAPPER.readTree(golden.resolve("c00cb4cf/t5_small_multilingual.json").toFile()).get("entries")) {
            cases.add(new Case("multilingual " + c.get("id").asText(), inputs.get(c.get("id").asText()), c.get("input_ids"),
                    c.get("tokens"), c.get("decoded_with_special").asText(), c.get("decoded_skip_special").asText()));
        }
        inputs.clear();
        for (JsonNode c : MAPPER.readTree(golden.resolve("c3afc5a9/inputs.json").toFile()).get("inputs")) {
            inputs.put(c.get("id").asText(), c.get("text").asText());
        }
        var entries = MAPPER.readTree(golden.resolve("c3afc5a9/google-t5__t5-small.json").toFile()).get("entries").properties();
        for (var e : entries) {
            JsonNode c = e.getValue();
            cases.add(new Case("stress " + e.getKey(), inputs.get(e.getKey()), c.get("input_ids"), c.get("tokens"),
                    c.get("decoded_with_special").asText(), c.get("decoded_skip_special").asText()));
        }
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            assertThat(c.text()).as(c.source() + " input").isNotNull();
            Encoding e = t5.encode(c.text());
            int[] want = MAPPER.convertValue(c.ids(), int[].class);
            if (!java.util.Arrays.equals(e.ids(), want)) {
                failures.add(c.source() + ": ids " + java.util.Arrays.toString(e.ids()) + " vs " + java.util.Arrays.toString(want));
                continue;
            }
            if (c.tokens() != null) {
                List<String> names = new ArrayList<>();
                for (int id : e.ids()) {
                    names.add(t5.idToToken(id));
                }
                List<String> wantTokens = MAPPER.convertValue(c.tokens(), MAPPER.getTypeFactory()
                        .constructCollectionType(List.class, String.class));
                if (!names.equals(wantTokens)) {
                    failures.add(c.source() + ": tokens " + names + " vs " + wantTokens);
                }
            }
            if (c.withSpecial() != null && !cleanUp(t5.decode(e.ids(), false)).equals(c.withSpecial())) {
                failures.add(c.source() + ": decoded " + t5.decode(e.ids(), false) + " vs " + c.withSpecial());
            }
            if (c.withoutSpecial() != null && !cleanUp(t5.decode(e.ids(), true)).equals(c.withoutSpecial())) {
                failures.add(c.source() + ": decoded skipping special " + t5.decode(e.ids(), true) + " vs " + c.withoutSpecial());
            }
        }
        System.out.printf("golden swift-transformers T5: %d encodings, %d mismatches%n", cases.size(), failures.size());
        assertThat(failures).isEmpty();
        assertThat(cases).hasSizeGreaterThan(100);
    }

    /** Python transformers' clean_up_tokenization (the same rules as the WordPiece decoder's cleanup). */
    private static String cleanUp(String s) {
        return dev.javelin.tokenizers.decoders.WordPiece.cleanup(s);
    }
}
