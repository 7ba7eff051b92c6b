package dev.javelin.tokenizers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.tokenizers.decoders.Decoder;
import dev.javelin.tokenizers.models.BPE;
import dev.javelin.tokenizers.models.Model;
import dev.javelin.tokenizers.models.Unigram;
import dev.javelin.tokenizers.models.WordLevel;
import dev.javelin.tokenizers.models.WordPiece;
import dev.javelin.tokenizers.normalizers.BertNormalizer;
import dev.javelin.tokenizers.normalizers.Lowercase;
import dev.javelin.tokenizers.normalizers.NFC;
import dev.javelin.tokenizers.normalizers.NFD;
import dev.javelin.tokenizers.normalizers.NFKC;
import dev.javelin.tokenizers.normalizers.NFKD;
import dev.javelin.tokenizers.normalizers.Nmt;
import dev.javelin.tokenizers.normalizers.Normalizer;
import dev.javelin.tokenizers.normalizers.Precompiled;
import dev.javelin.tokenizers.normalizers.Prepend;
import dev.javelin.tokenizers.normalizers.Replace;
import dev.javelin.tokenizers.normalizers.Strip;
import dev.javelin.tokenizers.normalizers.StripAccents;
import dev.javelin.tokenizers.decoders.Fuse;
import dev.javelin.tokenizers.pretokenizers.BertPreTokenizer;
import dev.javelin.tokenizers.pretokenizers.ByteLevel;
import dev.javelin.tokenizers.pretokenizers.CharDelimiterSplit;
import dev.javelin.tokenizers.pretokenizers.Digits;
import dev.javelin.tokenizers.pretokenizers.FixedLength;
import dev.javelin.tokenizers.pretokenizers.UnicodeScripts;
import dev.javelin.tokenizers.pretokenizers.Metaspace;
import dev.javelin.tokenizers.pretokenizers.Punctuation;
import dev.javelin.tokenizers.pretokenizers.Split;
import dev.javelin.tokenizers.pretokenizers.Whitespace;
import dev.javelin.tokenizers.pretokenizers.WhitespaceSplit;
import dev.javelin.tokenizers.pretokenizers.PreTokenizer;
import dev.javelin.tokenizers.processors.BertProcessing;
import dev.javelin.tokenizers.processors.PostProcessor;
import dev.javelin.tokenizers.processors.RobertaProcessing;
import dev.javelin.tokenizers.processors.TemplateProcessing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds a {@link Tokenizer} from {@code tokenizer.json}; anything it does not support is an error. */
final class TokenizerLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerLoader() {
    }

    static Tokenizer load(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid tokenizer JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("tokenizer JSON must be an object");
        }
        Normalizer normalizer = normalizer(root.get("normalizer"));
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer"));
        // The model is most of a big file: its part of the tree is let go as soon as it is read.
        Model model = model(((ObjectNode) root).remove("model"));
        PostProcessor postProcessor = postProcessor(root.get("post_processor"), model);
        Decoder decoder = decoder(root.get("decoder"));
        List<AddedToken> added = new ArrayList<>();
        JsonNode addedNode = root.get("added_tokens");
        if (isPresent(addedNode)) {
            requireArray(addedNode, "added_tokens");
            // The reference does not trust the file's ids: a token gets its vocabulary id, else the
            // next id after the vocabulary and the added tokens so far (the file's id is only checked).
            Map<String, Integer> assigned = new HashMap<>();
            int maxAdded = -1;
            for (JsonNode t : addedNode) {
                String content = text(t, "content", "added_tokens");
                integer(t, "id", "added_tokens");
                Integer known = assigned.get(content);
                int id = known != null ? known : model.tokenToId(content);
                if (id < 0) {
                    id = maxAdded >= model.vocabSize() ? maxAdded + 1 : model.vocabSize();
                }
                assigned.put(content, id);
                maxAdded = Math.max(maxAdded, id);
                added.add(new AddedToken(id, content, bool(t, "single_word", false), bool(t, "lstrip", false),
                        bool(t, "rstrip", false), bool(t, "normalized", !bool(t, "special", false)),
                        bool(t, "special", false)));
            }
        }
        AddedVocabulary vocabulary = new AddedVocabulary(added, normalizer);
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, vocabulary,
                truncation(root.get("truncation")), padding(root.get("padding")));
    }

    // ---------------------------------------------------------------------------------------------

    static Normalizer normalizer(JsonNode n) {
        if (!isPresent(n)) {
            return null;
        }
        String type = type(n, "normalizer");
        return switch (type) {
            case "BertNormalizer" -> {
                boolean lowercase = bool(n, "lowercase", true);
                JsonNode strip = n.get("strip_accents");
                boolean stripAccents = isPresent(strip) ? strip.asBoolean() : lowercase;
                yield new BertNormalizer(bool(n, "clean_text", true), bool(n, "handle_chinese_chars", true),
                        stripAccents, lowercase);
            }
            case "Lowercase" -> new Lowercase();
            case "NFC" -> new NFC();
            case "NFD" -> new NFD();
            case "NFKC" -> new NFKC();
            case "NFKD" -> new NFKD();
            case "StripAccents" -> new StripAccents();
            case "Strip" -> new Strip(bool(n, "strip_left", true), bool(n, "strip_right", true));
            case "Prepend" -> new Prepend(text(n, "prepend", "Prepend normalizer"));
            case "Replace" -> new Replace(pattern(n.get("pattern"), "Replace normalizer"),
                    text(n, "content", "Replace normalizer"));
            case "Precompiled" -> new Precompiled(text(n, "precompiled_charsmap", "Precompiled normalizer"));
            case "Nmt" -> new Nmt();
            case "ByteLevel" -> new dev.javelin.tokenizers.normalizers.ByteLevel();
            case "Sequence" -> {
                List<Normalizer> list = new ArrayList<>();
                JsonNode items = n.get("normalizers");
                requireArray(items, "Sequence normalizer 'normalizers'");
                for (JsonNode item : items) {
                    list.add(normalizer(item));
                }
                yield new dev.javelin.tokenizers.normalizers.Sequence(list);
            }
            default -> throw unsupported("normalizer", type);
        };
    }

    static PreTokenizer preTokenizer(JsonNode n) {
        if (!isPresent(n)) {
            return null;
        }
        String type = type(n, "pre_tokenizer");
        return switch (type) {
            case "BertPreTokenizer" -> new BertPreTokenizer();
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new WhitespaceSplit();
            case "Punctuation" -> new Punctuation(behavior(n, "Isolated", "Punctuation pre-tokenizer"));
            case "Digits" -> new Digits(bool(n, "individual_digits", false));
            case "Split" -> new Split(pattern(n.get("pattern"), "Split pre-tokenizer"),
                    behavior(n, null, "Split pre-tokenizer"), bool(n, "invert", false));
            case "Metaspace" -> new Metaspace(replacement(n), prependScheme(n), bool(n, "split", true));
            case "ByteLevel" -> new ByteLevel(bool(n, "add_prefix_space", true), bool(n, "use_regex", true));
            case "CharDelimiterSplit" -> new CharDelimiterSplit(character(n, "delimiter", "CharDelimiterSplit pre-tokenizer"));
            case "UnicodeScripts" -> new UnicodeScripts();
            case "FixedLength" -> new FixedLength(n.has("length") ? integer(n, "length", "FixedLength pre-tokenizer") : 5);
            case "Sequence" -> {
                List<PreTokenizer> list = new ArrayList<>();
                JsonNode items = n.get("pretokenizers");
                requireArray(items, "Sequence pre_tokenizer 'pretokenizers'");
                for (JsonNode item : items) {
                    list.add(preTokenizer(item));
                }
                yield new dev.javelin.tokenizers.pretokenizers.Sequence(list);
            }
            default -> throw unsupported("pre_tokenizer", type);
        };
    }

    private static NormalizedString.SplitBehavior behavior(JsonNode n, String fallback, String where) {
        JsonNode b = n.get("behavior");
        if (!isPresent(b) && fallback != null) {
            return NormalizedString.SplitBehavior.parse(fallback);
        }
        if (!isPresent(b) || !b.isTextual()) {
            throw new IllegalArgumentException(where + ": missing string field 'behavior'");
        }
        try {
            return NormalizedString.SplitBehavior.parse(b.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Metaspace's replacement: exactly one character. */
    private static int replacement(JsonNode n) {
        String r = textOr(n, "replacement", "\u2581");
        if (r.codePointCount(0, r.length()) != 1) {
            throw new IllegalArgumentException("Metaspace: 'replacement' must be one character, got '" + r + "'");
        }
        return r.codePointAt(0);
    }

    /**
     * Metaspace's prepend_scheme (default always); files older than it say add_prefix_space instead, and
     * add_prefix_space false is only consistent with an explicit never, as the reference checks.
     */
    private static Metaspace.PrependScheme prependScheme(JsonNode n) {
        Metaspace.PrependScheme scheme = isPresent(n.get("prepend_scheme"))
                ? Metaspace.PrependScheme.parse(n.get("prepend_scheme").asText()) : Metaspace.PrependScheme.ALWAYS;
        if (!bool(n, "add_prefix_space", true)) {
            if (scheme != Metaspace.PrependScheme.NEVER) {
                throw new IllegalArgumentException("Metaspace: add_prefix_space false does not match prepend_scheme '"
                        + scheme.name().toLowerCase(java.util.Locale.ROOT) + "' (say prepend_scheme 'never')");
            }
            return Metaspace.PrependScheme.NEVER;
        }
        return scheme;
    }

    static Model model(JsonNode n) {
        if (!isPresent(n)) {
            throw new IllegalArgumentException("tokenizer JSON has no 'model'");
        }
        String type = n.has("type") ? type(n, "model") : untypedModel(n);
        return switch (type) {
            case "BPE" -> bpe(n);
            case "Unigram" -> unigram(n);
            case "WordLevel" -> new WordLevel(vocabulary(n, "WordLevel model"), textOr(n, "unk_token", "<unk>"));
            case "WordPiece" -> {
                Map<String, Integer> vocab = vocabulary(n, "WordPiece model");
                yield new WordPiece(vocab, textOr(n, "unk_token", "[UNK]"), textOr(n, "continuing_subword_prefix", "##"),
                        n.has("max_input_chars_per_word") ? integer(n, "max_input_chars_per_word", "WordPiece model") : 100);
            }
            default -> throw unsupported("model", type);
        };
    }

    /**
     * Files written before models had a {@code type} are read as the reference reads them: the first of
     * BPE (vocab and merges), WordPiece (vocab, unk_token, continuing_subword_prefix and
     * max_input_chars_per_word), WordLevel (vocab and unk_token) and Unigram (a list vocab) whose fields
     * are all there.
     */
    private static String untypedModel(JsonNode n) {
        JsonNode vocab = n.get("vocab");
        boolean mapVocab = vocab != null && vocab.isObject();
        if (mapVocab && n.has("merges")) {
            return "BPE";
        }
        if (mapVocab && n.has("unk_token") && n.has("continuing_subword_prefix") && n.has("max_input_chars_per_word")) {
            return "WordPiece";
        }
        if (mapVocab && n.has("unk_token")) {
            return "WordLevel";
        }
        if (vocab != null && vocab.isArray()) {
            return "Unigram";
        }
        throw new IllegalArgumentException("model has no 'type' and its fields match no model (BPE needs vocab and "
                + "merges, WordPiece and WordLevel a vocab object and unk_token, Unigram a vocab list)");
    }

    private static Unigram unigram(JsonNode n) {
        JsonNode vocab = n.get("vocab");
        if (!isPresent(vocab) || !vocab.isArray()) {
            throw new IllegalArgumentException("Unigram model: 'vocab' must be a list of [piece, score]");
        }
        List<String> pieces = new ArrayList<>(vocab.size());
        double[] scores = new double[vocab.size()];
        for (JsonNode entry : vocab) {
            if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                throw new IllegalArgumentException("Unigram model: vocab entry " + pieces.size() + " is not [piece, score]: "
                        + abbreviate(entry.toString()));
            }
            scores[pieces.size()] = entry.get(1).doubleValue();
            pieces.add(entry.get(0).asText());
        }
        ((ObjectNode) n).remove("vocab");
        JsonNode unk = n.get("unk_id");
        Integer unkId = null;
        if (isPresent(unk)) {
            if (!unk.canConvertToLong() || unk.longValue() < 0) {
                throw new IllegalArgumentException("Unigram model: unk_id must be a non-negative integer, got " + unk);
            }
            if (unk.longValue() >= pieces.size()) {
                throw new IllegalArgumentException("Unigram model: unk_id " + unk + " is outside the vocabulary of "
                        + pieces.size() + " pieces");
            }
            unkId = unk.intValue();
        }
        return new Unigram(pieces, scores, unkId, bool(n, "byte_fallback", false));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /** A field holding exactly one character. */
    private static int character(JsonNode n, String field, String where) {
        String s = text(n, field, where);
        if (s.codePointCount(0, s.length()) != 1) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be one character, got '" + s + "'");
        }
        return s.codePointAt(0);
    }

    private static BPE bpe(JsonNode n) {
        JsonNode dropout = n.get("dropout");
        if (isPresent(dropout) && !dropout.isNumber()) {
            throw new IllegalArgumentException("BPE model: 'dropout' must be a number, got " + dropout);
        }
        Map<String, Integer> vocab = vocabulary(n, "BPE model");
        JsonNode mergesNode = n.get("merges");
        requireArray(mergesNode, "BPE model 'merges'");
        List<BPE.Merge> merges = new ArrayList<>(mergesNode.size());
        for (JsonNode m : mergesNode) {
            if (m.isTextual()) {
                String text = m.asText();
                int space = text.indexOf(' ');
                if (space < 0) {
                    throw new IllegalArgumentException("BPE model: merge '" + text + "' is not 'left right'");
                }
                merges.add(new BPE.Merge(text.substring(0, space), text.substring(space + 1)));
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                merges.add(new BPE.Merge(m.get(0).asText(), m.get(1).asText()));
            } else {
                throw new IllegalArgumentException("BPE model: merge " + m + " is neither 'left right' nor [left, right]");
            }
        }
        ((ObjectNode) n).remove("merges");
        return new BPE(vocab, merges, new BPE.Options(textOr(n, "unk_token", null),
                textOr(n, "continuing_subword_prefix", null), textOr(n, "end_of_word_suffix", null),
                bool(n, "fuse_unk", false), bool(n, "byte_fallback", false), bool(n, "ignore_merges", false),
                isPresent(dropout) ? dropout.floatValue() : 0f));
    }

    private static Map<String, Integer> vocabulary(JsonNode n, String where) {
        JsonNode vocabNode = n.get("vocab");
        if (!isPresent(vocabNode) || !vocabNode.isObject()) {
            throw new IllegalArgumentException(where + ": 'vocab' must be an object of token → id");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                throw new IllegalArgumentException(where + ": id of '" + e.getKey() + "' is not an integer");
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        // Let the tree's copy go while the model is built from this one.
        ((ObjectNode) n).remove("vocab");
        return vocab;
    }

    static PostProcessor postProcessor(JsonNode n, Model model) {
        if (!isPresent(n)) {
            return null;
        }
        String type = type(n, "post_processor");
        return switch (type) {
            case "TemplateProcessing" -> templateProcessing(n);
            case "BertProcessing" -> {
                JsonNode sep = n.get("sep");
                JsonNode cls = n.get("cls");
                requirePair(sep, "BertProcessing 'sep'");
                requirePair(cls, "BertProcessing 'cls'");
                yield new BertProcessing(sep.get(0).asText(), sep.get(1).asInt(), cls.get(0).asText(), cls.get(1).asInt());
            }
            case "RobertaProcessing" -> {
                JsonNode sep = n.get("sep");
                JsonNode cls = n.get("cls");
                requirePair(sep, "RobertaProcessing 'sep'");
                requirePair(cls, "RobertaProcessing 'cls'");
                yield new RobertaProcessing(sep.get(0).asText(), sep.get(1).asInt(), cls.get(0).asText(),
                        cls.get(1).asInt(), bool(n, "trim_offsets", true), bool(n, "add_prefix_space", true));
            }
            case "ByteLevel" -> new dev.javelin.tokenizers.processors.ByteLevel(bool(n, "trim_offsets", true),
                    bool(n, "add_prefix_space", true));
            default -> throw unsupported("post_processor", type);
        };
    }

    private static TemplateProcessing templateProcessing(JsonNode n) {
        Map<String, TemplateProcessing.SpecialToken> specials = new HashMap<>();
        JsonNode st = n.get("special_tokens");
        if (isPresent(st)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = st.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                JsonNode ids = v.get("ids");
                JsonNode tokens = v.get("tokens");
                requireArray(ids, "TemplateProcessing special token '" + e.getKey() + "' ids");
                requireArray(tokens, "TemplateProcessing special token '" + e.getKey() + "' tokens");
                if (ids.size() != tokens.size()) {
                    throw new IllegalArgumentException("TemplateProcessing special token '" + e.getKey()
                            + "' has " + ids.size() + " ids but " + tokens.size() + " tokens");
                }
                int[] idArr = new int[ids.size()];
                String[] tokArr = new String[tokens.size()];
                for (int i = 0; i < idArr.length; i++) {
                    idArr[i] = ids.get(i).asInt();
                    tokArr[i] = tokens.get(i).asText();
                }
                specials.put(e.getKey(), new TemplateProcessing.SpecialToken(e.getKey(), idArr, tokArr));
            }
        }
        return new TemplateProcessing(template(n.get("single"), "single"), template(n.get("pair"), "pair"), specials);
    }

    private static List<TemplateProcessing.Piece> template(JsonNode n, String name) {
        requireArray(n, "TemplateProcessing '" + name + "'");
        List<TemplateProcessing.Piece> pieces = new ArrayList<>();
        for (JsonNode p : n) {
            if (p.has("Sequence")) {
                JsonNode s = p.get("Sequence");
                String id = textOr(s, "id", "A");
                if (!id.equals("A") && !id.equals("B")) {
                    throw new IllegalArgumentException("TemplateProcessing: unknown sequence id '" + id + "'");
                }
                pieces.add(new TemplateProcessing.SequencePiece(id.equals("B"), s.path("type_id").asInt(0)));
            } else if (p.has("SpecialToken")) {
                JsonNode s = p.get("SpecialToken");
                pieces.add(new TemplateProcessing.SpecialPiece(text(s, "id", "TemplateProcessing special token"),
                        s.path("type_id").asInt(0)));
            } else {
                throw new IllegalArgumentException("TemplateProcessing: unknown template piece " + p);
            }
        }
        return pieces;
    }

    static Decoder decoder(JsonNode n) {
        if (!isPresent(n)) {
            return null;
        }
        String type = type(n, "decoder");
        return switch (type) {
            case "WordPiece" -> new dev.javelin.tokenizers.decoders.WordPiece(textOr(n, "prefix", "##"),
                    bool(n, "cleanup", true));
            case "ByteLevel" -> new dev.javelin.tokenizers.decoders.ByteLevel();
            case "Metaspace" -> new dev.javelin.tokenizers.decoders.Metaspace(replacement(n),
                    prependScheme(n) != Metaspace.PrependScheme.NEVER);
            case "Fuse" -> new Fuse();
            case "ByteFallback" -> new dev.javelin.tokenizers.decoders.ByteFallback();
            case "Replace" -> new dev.javelin.tokenizers.decoders.Replace(pattern(n.get("pattern"), "Replace decoder"),
                    text(n, "content", "Replace decoder"));
            case "Strip" -> new dev.javelin.tokenizers.decoders.Strip(character(n, "content", "Strip decoder"),
                    integer(n, "start", "Strip decoder"), integer(n, "stop", "Strip decoder"));
            case "BPEDecoder" -> new dev.javelin.tokenizers.decoders.BPEDecoder(textOr(n, "suffix", "</w>"));
            case "CTC" -> new dev.javelin.tokenizers.decoders.CTC(textOr(n, "pad_token", "<pad>"),
                    textOr(n, "word_delimiter_token", "|"), bool(n, "cleanup", true));
            case "Sequence" -> {
                List<Decoder> list = new ArrayList<>();
                JsonNode items = n.get("decoders");
                requireArray(items, "Sequence decoder 'decoders'");
                for (JsonNode item : items) {
                    list.add(decoder(item));
                }
                yield new dev.javelin.tokenizers.decoders.Sequence(list);
            }
            default -> throw unsupported("decoder", type);
        };
    }

    static Truncation truncation(JsonNode n) {
        if (!isPresent(n)) {
            return null;
        }
        Truncation.Strategy strategy = switch (textOr(n, "strategy", "LongestFirst")) {
            case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
            case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
            default -> throw new IllegalArgumentException("truncation: unknown strategy '" + n.get("strategy").asText() + "'");
        };
        Truncation.Direction direction = switch (textOr(n, "direction", "Right")) {
            case "Right" -> Truncation.Direction.RIGHT;
            case "Left" -> Truncation.Direction.LEFT;
            default -> throw new IllegalArgumentException("truncation: unknown direction '" + n.get("direction").asText() + "'");
        };
        return new Truncation(integer(n, "max_length", "truncation"), strategy,
                n.has("stride") ? integer(n, "stride", "truncation") : 0, direction);
    }

    static Padding padding(JsonNode n) {
        if (!isPresent(n)) {
            return null;
        }
        JsonNode s = n.get("strategy");
        Padding.Strategy strategy;
        int length = 0;
        if (s == null || (s.isTextual() && s.asText().equals("BatchLongest"))) {
            strategy = Padding.Strategy.BATCH_LONGEST;
        } else if (s.isObject() && s.has("Fixed")) {
            strategy = Padding.Strategy.FIXED;
            length = s.get("Fixed").asInt();
        } else {
            throw new IllegalArgumentException("padding: unknown strategy " + s);
        }
        Padding.Direction direction = switch (textOr(n, "direction", "Right")) {
            case "Right" -> Padding.Direction.RIGHT;
            case "Left" -> Padding.Direction.LEFT;
            default -> throw new IllegalArgumentException("padding: unknown direction '" + n.get("direction").asText() + "'");
        };
        JsonNode multiple = n.get("pad_to_multiple_of");
        return new Padding(strategy, length, direction, isPresent(multiple) ? multiple.asInt() : 0,
                n.path("pad_id").asInt(0), n.path("pad_type_id").asInt(0), textOr(n, "pad_token", "[PAD]"));
    }

    // ---------------------------------------------------------------------------------------------
    // JSON helpers

    static Pattern pattern(JsonNode p, String where) {
        if (!isPresent(p) || !p.isObject()) {
            throw new IllegalArgumentException(where + ": 'pattern' must be {\"String\": …} or {\"Regex\": …}");
        }
        if (p.has("String")) {
            return Pattern.compile(Pattern.quote(p.get("String").asText()));
        }
        if (p.has("Regex")) {
            try {
                return OnigPattern.compile(p.get("Regex").asText());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ": invalid regex: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(where + ": 'pattern' must be {\"String\": …} or {\"Regex\": …}");
    }

    static IllegalArgumentException unsupported(String kind, String type) {
        return new IllegalArgumentException(kind + " type '" + type + "' is not supported by Javelin");
    }

    static boolean isPresent(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static String type(JsonNode n, String kind) {
        JsonNode t = n.get("type");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException(kind + " has no 'type'");
        }
        return t.asText();
    }

    static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + ": missing string field '" + field + "'");
        }
        return v.asText();
    }

    static String textOr(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    static int integer(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": missing integer field '" + field + "'");
        }
        return v.intValue();
    }

    static boolean bool(JsonNode n, String field, boolean fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? fallback : v.asBoolean();
    }

    static void requireArray(JsonNode n, String what) {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(what + " must be an array");
        }
    }

    private static void requirePair(JsonNode n, String what) {
        if (n == null || !n.isArray() || n.size() != 2) {
            throw new IllegalArgumentException(what + " must be [token, id]");
        }
    }
}
