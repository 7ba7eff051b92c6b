package dev.javelin.tokenizers;

import static dev.javelin.tokenizers.HuggingFaceParityTest.compare;
import static dev.javelin.tokenizers.HuggingFaceParityTest.escape;
import static dev.javelin.tokenizers.HuggingFaceParityTest.options;
import static dev.javelin.tokenizers.HuggingFaceParityTest.toLong;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity of the components no real file here uses, each swapped into the real T5 {@code tokenizer.json}
 * (Precompiled normalizer, Unigram model): Nmt, the ByteLevel normalizer, UnicodeScripts,
 * CharDelimiterSplit, FixedLength, every Metaspace form, Unigram byte fallback, a Unigram without
 * {@code unk_id}, WordLevel and the untyped models, and the ByteFallback, Replace, Strip, Fuse,
 * BPEDecoder and CTC decoders. Compared with the reference on every 10th string of the multilingual
 * corpus: singles and decoding (an error on one side only is a mismatch).
 */
class SentencePieceComponentParityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static List<String> slice;
    private static ObjectNode base;

    @BeforeAll
    static void setUp() throws IOException {
        List<String> corpus = ParityCorpus.multilingual();
        slice = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i += 10) {
            slice.add(corpus.get(i));
        }
        base = (ObjectNode) MAPPER.readTree(UnigramParityTest.json("ortx-t5-small"));
    }

    static com.fasterxml.jackson.databind.JsonNode node(String json) {
        try {
            return MAPPER.readTree(json.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Arguments variant(String name, Consumer<ObjectNode> edit) {
        return Arguments.of(name, edit, (java.util.function.Predicate<String>) s -> true);
    }

    static Stream<Arguments> variants() {
        String metaspace = "{'type':'Metaspace','replacement':'\u2581','prepend_scheme':'%s','split':%s}";
        return Stream.of(
            variant("Nmt then Precompiled", r -> r.set("normalizer", node("{'type':'Sequence','normalizers':[{'type':'Nmt'},"
                    + MAPPER.valueToTree(r.get("normalizer")).toString().replace('"', '\'') + "]}"))),
            variant("ByteLevel normalizer", r -> r.set("normalizer", node("{'type':'ByteLevel'}"))),
            variant("UnicodeScripts then Metaspace", r -> r.set("pre_tokenizer", node("{'type':'Sequence','pretokenizers':["
                    + "{'type':'UnicodeScripts'}," + metaspace.formatted("always", "true") + "]}"))),
            variant("CharDelimiterSplit then Metaspace first, no split", r -> r.set("pre_tokenizer", node(
                    "{'type':'Sequence','pretokenizers':[{'type':'CharDelimiterSplit','delimiter':'a'},"
                    + metaspace.formatted("first", "false") + "]}"))),
            variant("FixedLength 4", r -> r.set("pre_tokenizer", node("{'type':'FixedLength','length':4}"))),
            variant("Metaspace never, split", r -> {
                r.set("pre_tokenizer", node(metaspace.formatted("never", "true")));
                r.set("decoder", node(metaspace.formatted("never", "true")));
            }),
            variant("Metaspace first, legacy decoder", r -> {
                r.set("pre_tokenizer", node(metaspace.formatted("first", "true")));
                r.set("decoder", node("{'type':'Metaspace','replacement':'\u2581','add_prefix_space':true}"));
            }),
            variant("Unigram byte_fallback with ByteFallback, Fuse, Replace, Strip decoders", r -> {
                ObjectNode model = (ObjectNode) r.get("model");
                ArrayNode vocab = (ArrayNode) model.get("vocab");
                for (int b = 0; b < 256; b++) {
                    vocab.add(node("['<0x%02X>', -20.0]".formatted(b)));
                }
                model.put("byte_fallback", true);
                model.put("type", "Unigram");
                r.set("decoder", node("{'type':'Sequence','decoders':[{'type':'Replace','pattern':{'String':'\u2581'},"
                        + "'content':' '},{'type':'ByteFallback'},{'type':'Fuse'},{'type':'Strip','content':' ',"
                        + "'start':1,'stop':0}]}"));
            }),
            variant("Unigram without unk_id", r -> ((ObjectNode) r.get("model")).putNull("unk_id")),
            variant("WordLevel (typed) with BPEDecoder", r -> {
                r.set("model", wordLevel(r, true));
                r.set("decoder", node("{'type':'BPEDecoder','suffix':'\u2581'}"));
            }),
            variant("WordLevel (untyped) with CTC decoder", r -> {
                r.set("model", wordLevel(r, false));
                r.set("decoder", node("{'type':'CTC','pad_token':'<pad>','word_delimiter_token':'\u2581','cleanup':true}")); 
            }),
            variant("WordPiece (untyped)", r -> {
                ObjectNode m = wordLevel(r, false);
                m.put("continuing_subword_prefix", "##");
                m.put("max_input_chars_per_word", 100);
                r.set("model", m);
            }));
    }

    /** A WordLevel model over the file's Unigram pieces. */
    private static ObjectNode wordLevel(ObjectNode root, boolean typed) {
        ObjectNode m = MAPPER.createObjectNode();
        if (typed) {
            m.put("type", "WordLevel");
        }
        ObjectNode vocab = m.putObject("vocab");
        int id = 0;
        for (var entry : root.get("model").get("vocab")) {
            vocab.put(entry.get(0).asText(), id++);
        }
        m.put("unk_token", "<unk>");
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void matchesReference(String name, Consumer<ObjectNode> edit, java.util.function.Predicate<String> comparable)
            throws IOException {
        ObjectNode root = base.deepCopy();
        edit.accept(root);
        String json = MAPPER.writeValueAsString(root);
        Tokenizer ours = Tokenizer.fromJson(json).withoutTruncation().withoutPadding();
        HuggingFaceParityTest.Report singles = new HuggingFaceParityTest.Report(name + " singles");
        HuggingFaceParityTest.Report decode = new HuggingFaceParityTest.Report(name + " decode");
        int errors = 0;
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json,
                options("truncation", "false", "padding", "false"))) {
            for (int i = 0; i < slice.size(); i++) {
                String s = slice.get(i);
                if (!comparable.test(s)) {
                    continue;
                }
                List<Throwable> refError = new ArrayList<>();
                List<Throwable> ourError = new ArrayList<>();
                var expected = HuggingFaceParityTest.attempt(() -> ref.encode(Tokenizer.replaceLoneSurrogates(s)), refError);
                Encoding e = HuggingFaceParityTest.attempt(() -> ours.encode(s), ourError);
                if (expected == null || e == null) {
                    singles.compared++;
                    errors++;
                    if (refError.isEmpty() != ourError.isEmpty()) {
                        singles.fail("input=" + escape(s) + ": reference error " + refError + " vs ours " + ourError);
                    }
                    continue;
                }
                compare(singles, "single", s, null, e, expected);
                decode.compared++;
                for (boolean skip : new boolean[] {true, false}) {
                    String want = ref.decode(toLong(e.ids()), skip);
                    String got = ours.decode(e.ids(), skip);
                    if (!want.equals(got)) {
                        decode.fail("decode skip=" + skip + " input=" + escape(s) + ": " + escape(got) + " vs " + escape(want));
                    }
                }
            }
        }
        singles.assertClean();
        decode.assertClean();
        assertThat(singles.compared).isGreaterThan(slice.size() / 2);
        System.out.printf("  %s: %d inputs failed on both sides%n", name, errors);
    }
}
