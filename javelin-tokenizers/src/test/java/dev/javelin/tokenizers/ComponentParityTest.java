package dev.javelin.tokenizers;

import static dev.javelin.tokenizers.HuggingFaceParityTest.compare;
import static dev.javelin.tokenizers.HuggingFaceParityTest.escape;
import static dev.javelin.tokenizers.HuggingFaceParityTest.options;
import static dev.javelin.tokenizers.HuggingFaceParityTest.toLong;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity of every component the three real tokenizers do not use: each case is the all-MiniLM
 * {@code tokenizer.json} with its normalizer, pre-tokenizer, model, post-processor, decoder or added tokens
 * swapped for the component under test, loaded by Javelin and by the reference, and compared on a
 * slice of the parity corpus (singles, pairs, decoding; with truncation and overflowing windows where
 * the post-processor matters). The WordPiece vocabulary gains {@code ▁word} and {@code Ġword} entries
 * so that Metaspace and ByteLevel words map to real tokens, not only to {@code [UNK]}.
 */
class ComponentParityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BASE_FILE = "all-minilm-l6-v2-tokenizer.json";
    /** Every 10th corpus string (few of the long ones): ~950 singles per case, ~320 pairs. */
    private static final int STEP = 10;
    private static List<String> slice;
    private static ObjectNode base;

    @BeforeAll
    static void setUp() throws IOException {
        List<String> corpus = ParityCorpus.standard();
        slice = new ArrayList<>();
        int longTexts = 0;
        for (int i = 0; i < corpus.size(); i += STEP) {
            // Components work word by word: a few long texts (truncation is the main suite's job) suffice.
            if (corpus.get(i).length() < 1000 || longTexts++ % 8 == 0) {
                slice.add(corpus.get(i));
            }
        }
        base = (ObjectNode) MAPPER.readTree(HuggingFaceParityTest.json(BASE_FILE));
        ObjectNode vocab = (ObjectNode) base.get("model").get("vocab");
        int next = vocab.size();
        List<String> words = new ArrayList<>();
        for (Iterator<String> it = vocab.fieldNames(); it.hasNext(); ) {
            String w = it.next();
            if (w.matches("[a-z]{2,}")) {
                words.add(w);
            }
        }
        for (String w : words) {
            vocab.put("\u2581" + w, next++);
            vocab.put("\u0120" + w, next++);
        }
        vocab.put("\u2581", next++);
        vocab.put("\u0120", next);
    }

    static JsonNode node(String json) {
        try {
            return MAPPER.readTree(json.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A case: a name, the edit of the base file, and whether to also run truncation with overflow. */
    static Arguments variant(String name, Consumer<ObjectNode> edit, boolean truncate) {
        return Arguments.of(name, edit, truncate);
    }

    static Consumer<ObjectNode> set(String field, String json) {
        return root -> root.set(field, json == null ? null : node(json));
    }

    static Consumer<ObjectNode> set(String f1, String j1, String f2, String j2) {
        return set(f1, j1).andThen(set(f2, j2));
    }

    static Consumer<ObjectNode> set(String f1, String j1, String f2, String j2, String f3, String j3) {
        return set(f1, j1, f2, j2).andThen(set(f3, j3));
    }

    static Stream<Arguments> variants() {
        List<Arguments> v = new ArrayList<>();
        // Normalizers (BertPreTokenizer, BertProcessing and the WordPiece decoder stay).
        for (String form : new String[] {"NFC", "NFD", "NFKC", "NFKD"}) {
            v.add(variant("normalizer " + form, set("normalizer", "{'type':'" + form + "'}"), false));
        }
        v.add(variant("normalizer Lowercase", set("normalizer", "{'type':'Lowercase'}"), false));
        v.add(variant("normalizer StripAccents", set("normalizer", "{'type':'StripAccents'}"), false));
        v.add(variant("normalizer Sequence[NFD, StripAccents, Lowercase]", set("normalizer",
                "{'type':'Sequence','normalizers':[{'type':'NFD'},{'type':'StripAccents'},{'type':'Lowercase'}]}"), false));
        v.add(variant("normalizer Strip left", set("normalizer", "{'type':'Strip','strip_left':true,'strip_right':false}"), false));
        v.add(variant("normalizer Strip right", set("normalizer", "{'type':'Strip','strip_left':false,'strip_right':true}"), false));
        v.add(variant("normalizer Strip both", set("normalizer", "{'type':'Strip','strip_left':true,'strip_right':true}"), false));
        v.add(variant("normalizer Replace string", set("normalizer",
                "{'type':'Replace','pattern':{'String':'e'},'content':'EE e'}"), false));
        v.add(variant("normalizer Replace regex (delete)", set("normalizer",
                "{'type':'Replace','pattern':{'Regex':'[aeiou]+'},'content':''}"), false));
        v.add(variant("normalizer Replace regex (whitespace)", set("normalizer",
                "{'type':'Replace','pattern':{'Regex':'\\\\s+'},'content':' _ '}"), false));
        v.add(variant("normalizer Prepend", set("normalizer", "{'type':'Prepend','prepend':'\u2581x '}"), false));
        v.add(variant("normalizer Sequence[NFKC, Lowercase, Replace, Strip, Prepend]", set("normalizer",
                "{'type':'Sequence','normalizers':[{'type':'NFKC'},{'type':'Lowercase'},"
                        + "{'type':'Replace','pattern':{'String':'  '},'content':' '},{'type':'Strip','strip_left':true,"
                        + "'strip_right':true},{'type':'Prepend','prepend':'> '}]}"), false));
        v.add(variant("normalizer BertNormalizer keep case and accents", set("normalizer",
                "{'type':'BertNormalizer','clean_text':true,'handle_chinese_chars':true,'strip_accents':false,"
                        + "'lowercase':false}"), false));
        v.add(variant("normalizer BertNormalizer no cleaning, no CJK", set("normalizer",
                "{'type':'BertNormalizer','clean_text':false,'handle_chinese_chars':false,'strip_accents':null,"
                        + "'lowercase':true}"), false));
        // Pre-tokenizers.
        v.add(variant("pre_tokenizer Whitespace", set("pre_tokenizer", "{'type':'Whitespace'}"), false));
        v.add(variant("pre_tokenizer WhitespaceSplit", set("pre_tokenizer", "{'type':'WhitespaceSplit'}"), false));
        for (String b : new String[] {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"}) {
            v.add(variant("pre_tokenizer Sequence[WhitespaceSplit, Punctuation " + b + "]", set("pre_tokenizer",
                    "{'type':'Sequence','pretokenizers':[{'type':'WhitespaceSplit'},{'type':'Punctuation','behavior':'"
                            + b + "'}]}"), false));
        }
        for (boolean individual : new boolean[] {true, false}) {
            v.add(variant("pre_tokenizer Sequence[Whitespace, Digits individual=" + individual + "]",
                    set("pre_tokenizer", "{'type':'Sequence','pretokenizers':[{'type':'Whitespace'},"
                            + "{'type':'Digits','individual_digits':" + individual + "}]}"), false));
        }
        v.add(variant("pre_tokenizer Split string ' ' Removed", set("pre_tokenizer",
                "{'type':'Split','pattern':{'String':' '},'behavior':'Removed','invert':false}"), false));
        v.add(variant("pre_tokenizer Split regex \\s+ MergedWithPrevious", set("pre_tokenizer",
                "{'type':'Split','pattern':{'Regex':'\\\\s+'},'behavior':'MergedWithPrevious','invert':false}"), false));
        v.add(variant("pre_tokenizer Split regex \\w+ invert Removed", set("pre_tokenizer",
                "{'type':'Split','pattern':{'Regex':'\\\\w+'},'behavior':'Removed','invert':true}"), false));
        v.add(variant("pre_tokenizer Split regex [aeiou] Isolated", set("pre_tokenizer",
                "{'type':'Split','pattern':{'Regex':'[aeiou]'},'behavior':'Isolated','invert':false}"), false));
        v.add(variant("pre_tokenizer Split string ', ' MergedWithNext invert", set("pre_tokenizer",
                "{'type':'Split','pattern':{'String':', '},'behavior':'MergedWithNext','invert':true}"), false));
        v.add(variant("pre_tokenizer Split regex [0-9]+ Contiguous", set("pre_tokenizer",
                "{'type':'Split','pattern':{'Regex':'[0-9]+|[!?.]'},'behavior':'Contiguous','invert':false}"), false));
        for (String scheme : new String[] {"always", "first", "never"}) {
            for (boolean split : new boolean[] {true, false}) {
                v.add(variant("Metaspace prepend_scheme=" + scheme + " split=" + split, set(
                        "pre_tokenizer", "{'type':'Metaspace','replacement':'\u2581','prepend_scheme':'" + scheme
                                + "','split':" + split + "}",
                        "decoder", "{'type':'Metaspace','replacement':'\u2581','prepend_scheme':'" + scheme
                                + "','split':" + split + "}"), false));
            }
        }
        for (boolean prefix : new boolean[] {true, false}) {
            for (boolean regex : new boolean[] {true, false}) {
                for (boolean trim : new boolean[] {true, false}) {
                    if (!regex && !trim) {
                        continue;
                    }
                    String bl = "{'type':'ByteLevel','add_prefix_space':" + prefix + ",'trim_offsets':" + trim
                            + ",'use_regex':" + regex + "}";
                    v.add(variant("ByteLevel add_prefix_space=" + prefix + " use_regex=" + regex + " trim_offsets="
                            + trim, set("pre_tokenizer", bl, "post_processor", bl, "decoder", bl), regex));
                }
            }
        }
        v.add(variant("ByteLevel without normalizer", set("normalizer", null, "pre_tokenizer",
                "{'type':'ByteLevel','add_prefix_space':false,'trim_offsets':true,'use_regex':true}",
                "decoder", "{'type':'ByteLevel','add_prefix_space':true,'trim_offsets':true,'use_regex':true}"), false));
        for (boolean trim : new boolean[] {true, false}) {
            for (boolean prefix : new boolean[] {true, false}) {
                v.add(variant("RobertaProcessing trim_offsets=" + trim + " add_prefix_space=" + prefix, set(
                        "pre_tokenizer", "{'type':'ByteLevel','add_prefix_space':" + prefix
                                + ",'trim_offsets':true,'use_regex':true}",
                        "post_processor", "{'type':'RobertaProcessing','sep':['[SEP]',102],'cls':['[CLS]',101],"
                                + "'trim_offsets':" + trim + ",'add_prefix_space':" + prefix + "}",
                        "decoder", "{'type':'ByteLevel','add_prefix_space':true,'trim_offsets':true,'use_regex':true}"), true));
            }
        }
        v.add(variant("RobertaProcessing after BertPreTokenizer", set("post_processor",
                "{'type':'RobertaProcessing','sep':['[SEP]',102],'cls':['[CLS]',101],'trim_offsets':true,"
                        + "'add_prefix_space':false}"), true));
        v.add(variant("decoder Sequence[WordPiece, Fuse]", set("decoder",
                "{'type':'Sequence','decoders':[{'type':'WordPiece','prefix':'##','cleanup':false},{'type':'Fuse'}]}"),
                false));
        // BPE, with merges that build each lowercase word of the vocabulary from its prefixes.
        v.add(variant("model BPE (unk, no fusing)", root -> root.set("model",
                bpe(root, null, null, "", "'unk_token':'[UNK]','fuse_unk':false,'ignore_merges':false")), true));
        v.add(variant("model BPE ## prefix, </w> suffix, fuse_unk, ignore_merges", root -> root.set("model",
                bpe(root, "##", "</w>", "", "'unk_token':'[UNK]','fuse_unk':true,'ignore_merges':true")), false));
        String bl = "{'type':'ByteLevel','add_prefix_space':true,'trim_offsets':true,'use_regex':true}";
        v.add(variant("model BPE byte-level (GPT-2 style, no unk)", set("pre_tokenizer", bl, "post_processor", bl,
                "decoder", bl).andThen(root -> root.set("model", bpe(root, null, null, "\u0120",
                "'unk_token':null,'fuse_unk':false,'ignore_merges':false"))), true));
        // Byte fallback: characters outside the vocabulary become <0xNN> pieces, as in Llama and Mistral files.
        v.add(variant("model BPE byte_fallback, Llama 2 layout (Prepend, Replace, no pre-tokenizer)", root -> {
            root.set("normalizer", node("{'type':'Sequence','normalizers':[{'type':'Prepend','prepend':'▁'},"
                    + "{'type':'Replace','pattern':{'String':' '},'content':'▁'}]}"));
            root.set("pre_tokenizer", null);
            byteFallbackLayout(root, null, null, "'unk_token':'[UNK]','fuse_unk':true,'ignore_merges':false");
        }, true));
        v.add(variant("model BPE byte_fallback, Mistral layout (Metaspace first), byte merges, no F0-F4 pieces, "
                + "no fusing", root -> {
            root.set("normalizer", null);
            root.set("pre_tokenizer", node("{'type':'Metaspace','replacement':'▁','prepend_scheme':'first',"
                    + "'split':false}"));
            ObjectNode model = byteFallbackLayout(root, null, null,
                    "'unk_token':'[UNK]','fuse_unk':false,'ignore_merges':true");
            ObjectNode vocab = (ObjectNode) model.get("vocab");
            var merges = (com.fasterxml.jackson.databind.node.ArrayNode) model.get("merges");
            for (String[] m : new String[][] {{"<0xE2>", "<0x80>"}, {"<0xE2><0x80>", "<0x9C>"}, {"<0xE3>", "<0x81>"}}) {
                vocab.put(m[0] + m[1], vocab.size());
                merges.insert(0, m[0] + " " + m[1]);
            }
            for (int b = 0xF0; b <= 0xF4; b++) {
                vocab.remove("<0x%02X>".formatted(b));
            }
        }, true));
        v.add(variant("model BPE dropout 1 (never merges)", root -> root.set("model", bpe(root, null, null, "",
                "'unk_token':'[UNK]','fuse_unk':false,'ignore_merges':true,'dropout':1.0")), false));
        v.add(variant("model BPE dropout 0 (deterministic), ignore_merges", root -> root.set("model", bpe(root, null,
                null, "", "'unk_token':'[UNK]','fuse_unk':false,'ignore_merges':true,'dropout':0.0")), false));
        // Added tokens with every flag, normalized and not, special and not.
        v.add(variant("added tokens single_word, lstrip, rstrip, normalized", root -> {
            var added = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("added_tokens");
            int id = root.get("model").get("vocab").size();
            String[][] tokens = {
                {"movie", "true", "false", "false", "true", "false"},
                {"film", "false", "true", "true", "true", "false"},
                {"ing", "false", "false", "false", "true", "false"},
                {"The", "false", "false", "true", "false", "false"},
                {"Café", "false", "true", "false", "true", "false"},
                {"!!", "true", "true", "true", "false", "true"},
                {"<unused>", "false", "true", "true", "false", "true"},
            };
            for (String[] t : tokens) {
                added.add(node("{'id':" + (id++) + ",'content':'" + t[0] + "','single_word':" + t[1] + ",'lstrip':"
                        + t[2] + ",'rstrip':" + t[3] + ",'normalized':" + t[4] + ",'special':" + t[5] + "}"));
            }
            for (JsonNode t : added) {
                if (t.get("content").asText().equals("[MASK]")) {
                    ((ObjectNode) t).put("lstrip", true).put("rstrip", true);
                }
            }
        }, true));
        return v.stream();
    }

    /**
     * Sets {@code root}'s model to a byte-fallback BPE (the {@link #bpe} words after {@code ▁}, plus the
     * 256 {@code <0xNN>} pieces), its post-processor to Llama's template ({@code [CLS]} standing for
     * {@code <s>}) and its decoder to Llama's; returns the model.
     */
    static ObjectNode byteFallbackLayout(ObjectNode root, String prefix, String suffix, String options) {
        ObjectNode model = (ObjectNode) bpe(root, prefix, suffix, "▁", options);
        model.put("byte_fallback", true);
        ObjectNode vocab = (ObjectNode) model.get("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put("<0x%02X>".formatted(b), vocab.size());
        }
        root.set("model", model);
        root.set("post_processor", node("{'type':'TemplateProcessing','single':[{'SpecialToken':{'id':'[CLS]','type_id':0}},"
                + "{'Sequence':{'id':'A','type_id':0}}],'pair':[{'SpecialToken':{'id':'[CLS]','type_id':0}},"
                + "{'Sequence':{'id':'A','type_id':0}},{'SpecialToken':{'id':'[CLS]','type_id':1}},"
                + "{'Sequence':{'id':'B','type_id':1}}],'special_tokens':{'[CLS]':{'id':'[CLS]','ids':[101],"
                + "'tokens':['[CLS]']}}}"));
        root.set("decoder", node("{'type':'Sequence','decoders':[{'type':'Replace','pattern':{'String':'▁'},"
                + "'content':' '},{'type':'ByteFallback'},{'type':'Fuse'},{'type':'Strip','content':' ','start':1,"
                + "'stop':0}]}"));
        return model;
    }

    /**
     * A BPE model over {@code root}'s WordPiece vocabulary plus every byte-level character: merges
     * build each lowercase word (after {@code marker}) from its prefixes, shorter prefixes first, the
     * right parts carrying {@code prefix}, the last one {@code suffix}.
     */
    static ObjectNode bpe(ObjectNode root, String prefix, String suffix, String marker, String options) {
        JsonNode wordPiece = root.get("model").get("vocab");
        java.util.LinkedHashMap<String, Integer> vocab = new java.util.LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wordPiece.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().intValue());
            if (e.getKey().matches("[a-z]{2,}")) {
                words.add(e.getKey());
                if (!marker.isEmpty()) {
                    words.add(marker + e.getKey());
                }
            }
        }
        for (int b = 0; b < 256; b++) {
            vocab.putIfAbsent(Character.toString(ByteLevelAlphabet.charOf(b)), vocab.size());
        }
        words.sort(java.util.Comparator.comparingInt(String::length).thenComparing(w -> w));
        String pre = prefix == null ? "" : prefix;
        String post = suffix == null ? "" : suffix;
        for (String w : words) {
            for (int k = 0; k < w.length(); k++) {
                String c = w.substring(k, k + 1);
                vocab.putIfAbsent((k > 0 ? pre : "") + c + (k == w.length() - 1 ? post : ""), vocab.size());
                if (k == 0) {
                    vocab.putIfAbsent(c + (w.length() == 1 ? post : ""), vocab.size());
                }
            }
        }
        java.util.LinkedHashSet<String> merges = new java.util.LinkedHashSet<>();
        for (int k = 2; ; k++) {
            boolean any = false;
            for (String w : words) {
                if (w.length() < k) {
                    continue;
                }
                any = true;
                String last = k == w.length() ? post : "";
                String left = w.substring(0, k - 1);
                String right = pre + w.charAt(k - 1) + last;
                vocab.putIfAbsent(w.substring(0, k) + last, vocab.size());
                merges.add(left + " " + right);
            }
            if (!any) {
                break;
            }
        }
        ObjectNode model = (ObjectNode) node("{'type':'BPE'," + (options.contains("'dropout'") ? "" : "'dropout':null,")
                + "'continuing_subword_prefix':"
                + (prefix == null ? "null" : "'" + prefix + "'") + ",'end_of_word_suffix':"
                + (suffix == null ? "null" : "'" + suffix + "'") + ",'byte_fallback':false," + options + "}");
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        var m = model.putArray("merges");
        merges.forEach(m::add);
        return model;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void matchesReference(String name, Consumer<ObjectNode> edit, boolean truncate) throws IOException {
        ObjectNode root = base.deepCopy();
        edit.accept(root);
        String json = MAPPER.writeValueAsString(root);
        Tokenizer ours = Tokenizer.fromJson(json).withoutTruncation().withoutPadding();
        HuggingFaceParityTest.Report singles = new HuggingFaceParityTest.Report(name + " singles");
        HuggingFaceParityTest.Report pairs = new HuggingFaceParityTest.Report(name + " pairs");
        HuggingFaceParityTest.Report decode = new HuggingFaceParityTest.Report(name + " decode");
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json,
                options("truncation", "false", "padding", "false"))) {
            var expected = ref.batchEncode(HuggingFaceParityTest.forReference(slice));
            PairList<String, String> pl = new PairList<>();
            for (int i = 0; i < slice.size(); i++) {
                String s = slice.get(i);
                Encoding e = ours.encode(s);
                compare(singles, "single", s, null, e, expected[i]);
                if (i % 3 == 0 && i + 1 < slice.size()) {
                    pl.add(Tokenizer.replaceLoneSurrogates(s), Tokenizer.replaceLoneSurrogates(slice.get(i + 1)));
                }
                if (i % 2 == 0) {
                    decode.compared++;
                    String want = ref.decode(toLong(e.ids()), true);
                    String got = ours.decode(e.ids(), true);
                    if (!want.equals(got)) {
                        decode.fail("decode input=" + escape(s) + ": " + escape(got) + " vs " + escape(want));
                    }
                }
            }
            var expectedPairs = ref.batchEncode(pl);
            for (int k = 0; k < pl.size(); k++) {
                String a = slice.get(3 * k);
                String b = slice.get(3 * k + 1);
                compare(pairs, "pair", a, b, ours.encode(a, b), expectedPairs[k]);
            }
        }
        singles.assertClean();
        pairs.assertClean();
        decode.assertClean();
        if (truncate) {
            truncated(name, json, ours);
        }
    }

    /** Truncation with stride and overflowing windows, singles and pairs, through the swapped components. */
    private static void truncated(String name, String json, Tokenizer ours) throws IOException {
        Tokenizer cut = ours.withTruncation(new Truncation(24, Truncation.Strategy.LONGEST_FIRST, 3,
                Truncation.Direction.RIGHT));
        HuggingFaceParityTest.Report report = new HuggingFaceParityTest.Report(name + " max 24 stride 3, overflow");
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json, options("truncation", "true",
                "padding", "false", "maxLength", "24", "stride", "3", "withOverflowingTokens", "true"))) {
            for (int i = 0; i + 1 < slice.size(); i += 3) {
                String a = slice.get(i);
                String b = slice.get(i + 1);
                compare(report, "single", a, null, cut.encode(a), ref.encode(Tokenizer.replaceLoneSurrogates(a)));
                if (a.length() + b.length() < 300) {
                    compare(report, "pair", a, b, cut.encode(a, b), ref.encode(Tokenizer.replaceLoneSurrogates(a),
                            Tokenizer.replaceLoneSurrogates(b)));
                }
            }
        }
        report.assertClean();
        assertThat(report.compared).isGreaterThan(300);
    }
}
