package dev.javelin.tokenizers;

import dev.javelin.tokenizers.decoders.Decoder;
import dev.javelin.tokenizers.models.Model;
import dev.javelin.tokenizers.normalizers.BertNormalizer;
import dev.javelin.tokenizers.normalizers.Lowercase;
import dev.javelin.tokenizers.normalizers.NFC;
import dev.javelin.tokenizers.normalizers.NFD;
import dev.javelin.tokenizers.normalizers.NFKC;
import dev.javelin.tokenizers.normalizers.NFKD;
import dev.javelin.tokenizers.normalizers.Normalizer;
import dev.javelin.tokenizers.normalizers.StripAccents;
import dev.javelin.tokenizers.pretokenizers.BertPreTokenizer;
import dev.javelin.tokenizers.pretokenizers.Digits;
import dev.javelin.tokenizers.pretokenizers.Punctuation;
import dev.javelin.tokenizers.pretokenizers.Whitespace;
import dev.javelin.tokenizers.pretokenizers.WhitespaceSplit;
import dev.javelin.tokenizers.pretokenizers.PreTokenizer;
import dev.javelin.tokenizers.processors.PostProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} pipeline in pure Java: added tokens, normalizer,
 * pre-tokenizer, model, post-processor, truncation and padding, and decoding — token for token and
 * offset for offset what the reference library produces. Offsets are UTF-16 code units (Java string
 * indices) of the input. Unpaired surrogates are read as U+FFFD, as a UTF-8 encoder would write them.
 * Immutable and thread-safe.
 */
public final class Tokenizer {
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final Model model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary addedVocabulary;
    private final Truncation truncation;
    private final Padding padding;
    /** Whether a long input may be tokenized from a prefix cut at white space (see {@link #encodeHead}). */
    private final boolean cutsAtWhitespace;

    Tokenizer(Normalizer normalizer, PreTokenizer preTokenizer, Model model, PostProcessor postProcessor,
              Decoder decoder, AddedVocabulary addedVocabulary, Truncation truncation, Padding padding) {
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.addedVocabulary = addedVocabulary;
        if (truncation != null && truncation.stride() > 0
                && truncation.stride() >= truncation.maxLength() - addedTokens(false)) {
            throw new IllegalArgumentException("truncation stride " + truncation.stride() + " must be less than "
                    + "max length " + truncation.maxLength() + " minus the " + addedTokens(false)
                    + " special tokens");
        }
        this.truncation = truncation;
        this.padding = padding;
        // Models see one word at a time, so only the steps before them matter.
        this.cutsAtWhitespace = isLocal(normalizer) && splitsAtWhitespace(preTokenizer)
                && !addedVocabulary.spansWhitespace();
    }

    /** A normalizer that rewrites characters (or combining sequences) on their own, never across white space. */
    private static boolean isLocal(Normalizer n) {
        return switch (n) {
            case null -> true;
            case BertNormalizer b -> true;
            case Lowercase l -> true;
            case NFC c -> true;
            case NFD d -> true;
            case NFKC c -> true;
            case NFKD d -> true;
            case StripAccents s -> true;
            case dev.javelin.tokenizers.normalizers.Sequence s -> s.normalizers().stream().allMatch(Tokenizer::isLocal);
            default -> false;
        };
    }

    /** A pre-tokenizer that ends every word at white space and otherwise splits within words only. */
    private static boolean splitsAtWhitespace(PreTokenizer p) {
        return switch (p) {
            case BertPreTokenizer b -> true;
            case Whitespace w -> true;
            case WhitespaceSplit w -> true;
            case dev.javelin.tokenizers.pretokenizers.Sequence s -> s.preTokenizers().stream()
                    .allMatch(q -> splitsAtWhitespace(q) || q instanceof Punctuation || q instanceof Digits)
                    && s.preTokenizers().stream().anyMatch(Tokenizer::splitsAtWhitespace);
            case null, default -> false;
        };
    }

    /** Loads a {@code tokenizer.json} file; a model directory holding one is accepted too. */
    public static Tokenizer fromFile(Path tokenizerJson) throws IOException {
        Path file = Files.isDirectory(tokenizerJson) ? tokenizerJson.resolve("tokenizer.json") : tokenizerJson;
        String json = utf8(file, Files.readAllBytes(file));
        try {
            return TokenizerLoader.load(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file's bytes as UTF-8 text; anything else is an error naming the file and the first bad byte. */
    private static String utf8(Path file, byte[] bytes) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
        if (result.isError()) {
            throw new IOException(file + ": not a tokenizer.json: byte " + in.position() + " is not UTF-8 text");
        }
        return out.flip().toString();
    }

    /**
     * Parses {@code tokenizer.json} content.
     *
     * @throws IllegalArgumentException for invalid JSON, a missing field or a component type that is
     *     not supported (the message names it)
     */
    public static Tokenizer fromJson(String json) {
        return TokenizerLoader.load(json);
    }

    // ---------------------------------------------------------------------------------------------
    // Settings

    /** This tokenizer with other truncation settings. */
    public Tokenizer withTruncation(Truncation t) {
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedVocabulary, t, padding);
    }

    public Tokenizer withoutTruncation() {
        return withTruncation(null);
    }

    /** This tokenizer with other padding settings. */
    public Tokenizer withPadding(Padding p) {
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedVocabulary, truncation, p);
    }

    public Tokenizer withoutPadding() {
        return withPadding(null);
    }

    /** This tokenizer with another model (same vocabulary expected); lets tests observe the model's work. */
    Tokenizer withModel(Model m) {
        return new Tokenizer(normalizer, preTokenizer, m, postProcessor, decoder, addedVocabulary, truncation, padding);
    }

    Model model() {
        return model;
    }

    /** Current truncation, or null. */
    public Truncation truncation() {
        return truncation;
    }

    /** Current padding, or null. */
    public Padding padding() {
        return padding;
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    public Encoding encode(String text) {
        return encode(text, null, true);
    }

    public Encoding encode(String text, String pair) {
        return encode(text, pair, true);
    }

    /** Encodes {@code text} (and {@code pair} if not null), padded to a fixed length if so configured. */
    public Encoding encode(String text, String pair, boolean addSpecialTokens) {
        Encoding e = encodeUnpadded(text, pair, addSpecialTokens);
        return padding == null ? e : padAll(List.of(e)).getFirst();
    }

    /** Encodes each text; padding (if configured) applies to the whole batch. */
    public List<Encoding> encodeBatch(List<String> texts) {
        return encodeBatch(texts, true);
    }

    public List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(encodeUnpadded(t, null, addSpecialTokens));
        }
        return padding == null ? out : padAll(out);
    }

    /** Encodes each (text, pair) (pairs.get(i) may be null); padding applies to the whole batch. */
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, boolean addSpecialTokens) {
        if (texts.size() != pairs.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        List<Encoding> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(encodeUnpadded(texts.get(i), pairs.get(i), addSpecialTokens));
        }
        return padding == null ? out : padAll(out);
    }

    private Encoding encodeUnpadded(String text, String pair, boolean addSpecialTokens) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (pair == null && truncation != null && cutsAtWhitespace && truncation.direction() == Truncation.Direction.RIGHT
                && truncation.strategy() != Truncation.Strategy.ONLY_SECOND) {
            String first = replaceLoneSurrogates(text);
            Encoding head = encodeHead(first, truncation.maxLength() - (addSpecialTokens ? addedTokens(false) : 0));
            if (head != null) {
                return postProcess(head, first, null, null, addSpecialTokens)
                        .withLazyOverflowing(() -> encodeWhole(text, null, addSpecialTokens).overflowing());
            }
        }
        return encodeWhole(text, pair, addSpecialTokens);
    }

    /**
     * The first {@code keep} tokens of a long input, from a prefix of it. A prefix cut where the
     * input has white space tokenizes to a prefix of the input's tokens when every component works
     * within words ({@link #cutsAtWhitespace}) — except possibly its last token (an added token with
     * {@code rstrip} would take the white space after the cut), so the prefix must give more than
     * {@code keep}. Null when no such prefix is shorter than the input.
     */
    private Encoding encodeHead(String text, int keep) {
        if (keep <= 0) {
            return null;
        }
        for (long budget = Math.max(1024L, keep * 8L); budget < text.length(); budget *= 4) {
            int cut = (int) budget;
            while (cut < text.length() && !HfUnicode.isWhitespace(text.charAt(cut))) {
                cut++;
            }
            if (cut >= text.length()) {
                return null;
            }
            Encoding prefix = encodeSequence(text.substring(0, cut), 0);
            if (prefix.length() > keep) {
                return prefix.truncate(keep, 0, Truncation.Direction.RIGHT).withOverflowing(List.of());
            }
        }
        return null;
    }

    private Encoding encodeWhole(String text, String pair, boolean addSpecialTokens) {
        String first = replaceLoneSurrogates(text);
        String second = pair == null ? null : replaceLoneSurrogates(pair);
        Encoding a = encodeSequence(first, 0);
        Encoding b = second == null ? null : encodeSequence(second, 1);
        return postProcess(a, first, b, second, addSpecialTokens);
    }

    private Encoding encodeSequence(String text, int typeId) {
        PreTokenizedString pts = addedVocabulary.extractAndNormalize(normalizer, text);
        if (preTokenizer != null) {
            preTokenizer.preTokenize(pts);
        }
        pts.tokenize(model);
        return pts.intoEncoding(typeId).build();
    }

    /** Same length, so offsets into the result are offsets into {@code text}. */
    static String replaceLoneSurrogates(String text) {
        char[] copy = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (copy == null) {
                copy = text.toCharArray();
            }
            copy[i] = '\uFFFD';
        }
        return copy == null ? text : new String(copy);
    }

    private int addedTokens(boolean pair) {
        return postProcessor == null ? 0 : postProcessor.addedTokens(pair);
    }

    private Encoding postProcess(Encoding a, String aText, Encoding b, String bText, boolean addSpecialTokens) {
        if (truncation != null) {
            int added = addSpecialTokens ? addedTokens(b != null) : 0;
            Encoding[] t = truncate(a, b, truncation.maxLength() - added);
            a = t[0];
            b = t[1];
        }
        if (postProcessor != null) {
            return postProcessor.process(a, aText, b, bText, addSpecialTokens);
        }
        return b == null ? a : a.withTypeIds(0).mergeWith(b.withTypeIds(1));
    }

    private Encoding[] truncate(Encoding a, Encoding b, int maxLength) {
        Truncation t = truncation;
        if (maxLength < 0) {
            throw new IllegalArgumentException("truncation max length " + t.maxLength()
                    + " is shorter than the special tokens this input needs");
        }
        if (maxLength == 0) {
            return new Encoding[] {a.truncate(0, t.stride(), t.direction()),
                b == null ? null : b.truncate(0, t.stride(), t.direction())};
        }
        int total = a.length() + (b == null ? 0 : b.length());
        if (total <= maxLength) {
            return new Encoding[] {a, b};
        }
        int toRemove = total - maxLength;
        switch (t.strategy()) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    return new Encoding[] {a.truncate(total - toRemove, t.stride(), t.direction()), null};
                }
                int n1 = a.length();
                int n2 = b.length();
                boolean swap = n1 > n2;
                if (swap) {
                    int x = n1;
                    n1 = n2;
                    n2 = x;
                }
                if (n1 > maxLength) {
                    n2 = n1;
                } else {
                    n2 = Math.max(n1, maxLength - n1);
                }
                if (n1 + n2 > maxLength) {
                    n1 = maxLength / 2;
                    n2 = n1 + maxLength % 2;
                }
                if (swap) {
                    int x = n1;
                    n1 = n2;
                    n2 = x;
                }
                return new Encoding[] {a.truncate(n1, t.stride(), t.direction()),
                    b.truncate(n2, t.stride(), t.direction())};
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = t.strategy() == Truncation.Strategy.ONLY_FIRST;
                if (!first && b == null) {
                    throw new IllegalArgumentException("truncation only_second needs a second sequence");
                }
                Encoding target = first ? a : b;
                if (target.length() <= toRemove) {
                    throw new IllegalArgumentException("truncation: the sequence to truncate is too short "
                            + "to respect max length " + t.maxLength());
                }
                Encoding cut = target.truncate(target.length() - toRemove, t.stride(), t.direction());
                return first ? new Encoding[] {cut, b} : new Encoding[] {a, cut};
            }
            default -> throw new IllegalStateException(t.strategy().toString());
        }
    }

    private List<Encoding> padAll(List<Encoding> encodings) {
        if (encodings.isEmpty()) {
            return encodings;
        }
        Padding p = padding;
        int target = p.length();
        if (p.strategy() == Padding.Strategy.BATCH_LONGEST) {
            target = 0;
            for (Encoding e : encodings) {
                target = Math.max(target, e.length());
            }
        }
        int multiple = p.padToMultipleOf();
        if (multiple > 0 && target % multiple > 0) {
            target += multiple - target % multiple;
        }
        List<Encoding> out = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            out.add(e.pad(target, p.padId(), p.padTypeId(), p.padToken(), p.direction()));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Vocabulary and decoding

    /** Id of a token (added tokens first, then the model's vocabulary), or -1. */
    public int tokenToId(String token) {
        AddedToken t = addedVocabulary.byContent(token);
        return t != null ? t.id() : model.tokenToId(token);
    }

    /** Token of an id, or null. */
    public String idToToken(int id) {
        AddedToken t = addedVocabulary.byId(id);
        return t != null ? t.content() : model.idToToken(id);
    }

    /** Text of {@code ids} through the decoder (tokens joined by spaces if there is none). */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String t = idToToken(id);
            if (t != null && !(skipSpecialTokens && addedVocabulary.isSpecial(t))) {
                tokens.add(t);
            }
        }
        return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
    }

    /** Vocabulary size of the model (added tokens that are not in it excluded). */
    public int vocabSize() {
        return model.vocabSize();
    }
}
