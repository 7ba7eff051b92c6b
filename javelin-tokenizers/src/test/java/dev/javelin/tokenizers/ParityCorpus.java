package dev.javelin.tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of varied strings for parity tests: words, punctuation, numbers, accents
 * (precomposed and combining), CJK, emoji (with modifiers and ZWJ sequences), other scripts, odd
 * whitespace and control characters, special-token look-alikes, random code points, unpaired
 * surrogates, empty and whitespace-only strings, and long texts that hit truncation.
 */
final class ParityCorpus {
    private ParityCorpus() {
    }

    private static List<String> standard;

    /** The 10,000-string corpus of the parity suites: SST-2 dev sentences (when present) mixed into generated text. */
    static synchronized List<String> standard() throws IOException {
        if (standard == null) {
            List<String> real = new ArrayList<>();
            Path sst2 = SharedData.find("sst2/dev.tsv");
            if (sst2 != null) {
                List<String> lines = Files.readAllLines(sst2);
                for (String line : lines.subList(1, Math.min(800, lines.size()))) {
                    int tab = line.indexOf('\t');
                    real.add(tab >= 0 ? line.substring(tab + 1) : line);
                }
            }
            standard = List.copyOf(generate(20240531L, 10_000, real));
        }
        return standard;
    }

    private static List<String> multilingual;

    /**
     * 10,000 strings where most text is not English: sentences in 30 languages and scripts (Latin with
     * diacritics, Cyrillic, Greek, Arabic, Hebrew, Devanagari and other Indic scripts, Thai, CJK, Hangul),
     * full-width forms, combining marks, emoji sequences and odd white space, mixed with the standard
     * pieces — the text where SentencePiece's normalization does its work.
     */
    static synchronized List<String> multilingual() throws IOException {
        if (multilingual == null) {
            SplittableRandom r = new SplittableRandom(20261130L);
            List<String> out = new ArrayList<>(standard().subList(0, 7));
            while (out.size() < 10_000) {
                int kind = r.nextInt(10);
                if (kind == 0) {
                    out.add(standard().get(r.nextInt(standard().size())));
                } else {
                    out.add(multilingualMix(r, 1 + r.nextInt(kind < 6 ? 6 : 20)));
                }
            }
            multilingual = List.copyOf(out);
        }
        return multilingual;
    }

    private static final String[] SENTENCES = {
        "Le gouvernement a annoncé de nouvelles mesures pour l'économie française.",
        "J'ai mangé une crème brûlée à Besançon, c'était délicieux !", "Où est la gare ? « Ici », dit-il.",
        "Die Straße führt über die Brücke nach Köln; Grüße aus München.", "¿Dónde está la biblioteca? ¡Vamos, señor Muñoz!",
        "A coração da cidade é São João; não há pão.", "Fünf Bären gähnen öfter als Möwen.",
        "Þetta er íslenska með ð og þ.", "Ça va? Œuvre, cœur, naïveté, Noël.", "Dziękuję bardzo, że przyszłaś do Łodzi.",
        "Čeština: příliš žluťoučký kůň úpěl ďábelské ódy.", "Türkçe: İstanbul'da ığdır, şeker, çiçek.",
        "Tiếng Việt: Tôi yêu Hà Nội và phở bò.", "Română: știință, țară, înțelegere.",
        "Привет! Как дела? Съешь же ещё этих мягких французских булок.", "Ελληνικά: Καλημέρα, τι κάνεις; ΆΈΉΊΌΎΏ",
        "العربية: مرحبا بكم في عالم الذكاء الاصطناعي.", "فارسی: سلام دنیا، حال شما چطور است؟",
        "עברית: שלום לכולם, מה שלומכם?", "हिन्दी: भारत एक विशाल देश है। नमस्ते!", "मराठी: महाराष्ट्र राज्य",
        "বাংলা: আমি বাংলায় গান গাই।", "தமிழ்: வணக்கம் உலகம்", "తెలుగు: నమస్కారం", "ਪੰਜਾਬੀ: ਸਤ ਸ੍ਰੀ ਅਕਾਲ",
        "ภาษาไทย: สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จัก", "ລາວ: ສະບາຍດີ", "ខ្មែរ: សួស្តី",
        "中文：我爱北京天安门，天安门上太阳升。", "繁體中文：臺灣的夜市很熱鬧。", "日本語：東京は日本の首都です。カタカナとひらがな、ー。",
        "ｶﾞｷﾞｸﾞ半角カナ", "한국어: 대한민국의 수도는 서울입니다.", "ᄀᄁᄂ 조합형 한글 ᅡᅢ", "ქართული ენა", "Հայերեն լեզու",
        "አማርኛ ቋንቋ", "Монгол хэл", "ꦗꦮ Javanese", "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "Ⓒⓘⓡⓒⓛⓔⓓ ⑴⑵ ㈱ ㍻ ㌀"};
    private static final String[] MARKS = {"\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u030A", "\u0327",
        "\u0323", "\u0336", "\u034F", "\u0591", "\u05B0", "\u064B", "\u0651", "\u093C", "\u094D", "\u0E31",
        "\u0E48", "\u20DD", "\u3099", "\u309A", "\uFE0F", "\u200D", "\u200C"};
    private static final String[] SPACES = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u1680", "\u2002",
        "\u2009", "\u200A", "\u200B", "\u2028", "\u3000", "\uFEFF", "\u0085", "\u180E", ""};

    private static String multilingualMix(SplittableRandom r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            int k = r.nextInt(100);
            String p;
            if (k < 40) {
                p = SENTENCES[r.nextInt(SENTENCES.length)];
            } else if (k < 48) {
                p = fullWidth(WORDS[r.nextInt(WORDS.length)]);
            } else if (k < 58) {
                String base = SENTENCES[r.nextInt(SENTENCES.length)];
                int at = r.nextInt(base.length());
                p = base.substring(0, at) + MARKS[r.nextInt(MARKS.length)] + base.substring(at);
            } else if (k < 66) {
                p = EMOJI[r.nextInt(EMOJI.length)];
            } else if (k < 74) {
                p = WORDS[r.nextInt(WORDS.length)];
            } else if (k < 80) {
                p = SCRIPTS[r.nextInt(SCRIPTS.length)];
            } else if (k < 86) {
                p = ACCENTED[r.nextInt(ACCENTED.length)];
            } else if (k < 90) {
                p = ODD[r.nextInt(ODD.length)];
            } else if (k < 94) {
                p = Integer.toString(r.nextInt(1_000_000));
            } else if (k < 97) {
                p = Character.toString(PUNCT.codePointAt(r.nextInt(PUNCT.length())));
            } else {
                p = randomCodePoints(r, 1 + r.nextInt(3));
            }
            sb.append(p).append(SPACES[r.nextInt(SPACES.length)]);
        }
        return sb.toString();
    }

    /** ASCII letters, digits and punctuation as their full-width forms (U+FF01..U+FF5E), with an ideographic space. */
    private static String fullWidth(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(c == ' ' ? '\u3000' : c > ' ' && c < 0x7F ? (char) (c - 0x21 + 0xFF01) : c);
        }
        return sb.toString();
    }

    private static final String[] WORDS = ("the a of and to in is it that was for on are as with his they at be this "
            + "from have or by one had not but what all were when we there can an your which their said if do will "
            + "each about how up out them then she many some so these would other into has more her two like him see "
            + "time could no make than first been its who now people my made over did down only way find use may "
            + "water long little very after words called just where most know tokenization transformers unbelievable "
            + "antidisestablishmentarianism supercalifragilisticexpialidocious javelin embeddings hugging face "
            + "don't won't it's we're I'm y'all rock'n'roll e-mail state-of-the-art co-operate U.S.A. Ph.D. "
            + "JavaScript iPhone McDonald's O'Neil GPU CPU SIMD bfloat16 x86_64 foo_bar camelCase snake_case "
            + "COVID-19 3.14159 1,000,000 42 007 2024-01-31 12:30pm $100 €50 £20 ¥1000 100% #hashtag @user "
            + "https://example.com/path?q=1&r=2 user@example.org C++ C# F# .NET node.js").split(" ");
    private static final String[] ACCENTED = ("café naïve résumé façade Ångström Zürich São Paulo crème brûlée "
            + "jalapeño Øresund Łódź Dvořák İstanbul ǅemal ﬁnance ﬂight Straße ΑΒΓ Ωμέγα ὈΔΥΣΣΕΎΣ").split(" ");
    private static final String[] SCRIPTS = {"日本語のテキスト", "中文分词测试", "한국어 문장입니다", "Привет, мир!",
        "Γειά σου Κόσμε", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "Xin chào thế giới",
        "ሰላም ልዑል", "გამარჯობა", "Բարեւ", "漢字かな交じり文", "𠀀𠀁𪚥 rare ideographs", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ１２３",
        "① ② ⑽ ½ ¼ ² ³ ™ ℃ ℉", "Ⅻ ⅷ ㎏ ㎞ ㍿"};
    private static final String[] EMOJI = {"😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🤖", "🔥🔥", "✨", "🏳️‍🌈", "1️⃣",
        "🧑🏿‍🚀", "☕"};
    private static final String[] ODD = {"\t", "\n", "\r\n", "\u00A0", "\u2003", "\u3000", "\u200B", "\uFEFF",
        "\u0000", "\u0007", "\u001F", "\u007F", "\u0085", "\u2028", "\u202F", "\u00AD", "\u200D", "\uFFFD",
        "\u0301", "\u0323\u0301", "e\u0301\u0323", "\u0F71\u0F72", "\u1100\u1161\u11A8", "\uE000"};
    private static final String[] SPECIAL = {"[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[mask]", "[ MASK ]",
        "[MASK][MASK]", "x[SEP]y"};
    private static final String PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»“”‘’…–—·•§¶†‡※‰′″‹›";

    /** {@code count} strings from {@code seed}, plus {@code extra} (e.g. real sentences) mixed in. */
    static List<String> generate(long seed, int count, List<String> extra) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        out.add("");
        out.add(" ");
        out.add("   \t\n ");
        out.add("\u0000");
        out.add("\uD800");
        out.add("a\uDC00b\uD83D");
        out.add("😀\uD83D");
        int e = 0;
        while (out.size() < count) {
            int kind = r.nextInt(20);
            if (kind < 4 && !extra.isEmpty()) {
                out.add(extra.get(e++ % extra.size()));
            } else if (kind == 4) {
                out.add(longText(r, 300 + r.nextInt(900)));
            } else if (kind == 5) {
                out.add(randomCodePoints(r, 1 + r.nextInt(12)));
            } else {
                out.add(mixed(r, 1 + r.nextInt(kind < 12 ? 12 : 30)));
            }
        }
        return out;
    }

    private static String mixed(SplittableRandom r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            int k = r.nextInt(100);
            String p;
            if (k < 45) {
                p = WORDS[r.nextInt(WORDS.length)];
                if (r.nextInt(8) == 0) {
                    p = p.toUpperCase(java.util.Locale.ROOT);
                } else if (r.nextInt(6) == 0) {
                    p = Character.toUpperCase(p.charAt(0)) + p.substring(1);
                }
            } else if (k < 55) {
                p = ACCENTED[r.nextInt(ACCENTED.length)];
            } else if (k < 62) {
                p = SCRIPTS[r.nextInt(SCRIPTS.length)];
            } else if (k < 69) {
                p = EMOJI[r.nextInt(EMOJI.length)];
            } else if (k < 78) {
                int n = 1 + r.nextInt(3);
                StringBuilder q = new StringBuilder();
                for (int j = 0; j < n; j++) {
                    q.append(PUNCT.charAt(r.nextInt(PUNCT.length())));
                }
                p = q.toString();
            } else if (k < 84) {
                p = Long.toString(r.nextLong() % 100000000L);
            } else if (k < 92) {
                p = ODD[r.nextInt(ODD.length)];
            } else if (k < 96) {
                p = SPECIAL[r.nextInt(SPECIAL.length)];
            } else {
                p = randomCodePoints(r, 1 + r.nextInt(3));
            }
            sb.append(p);
            int sep = r.nextInt(10);
            sb.append(sep < 7 ? " " : sep == 7 ? "" : sep == 8 ? "  " : ODD[r.nextInt(ODD.length)]);
        }
        return sb.toString();
    }

    private static String longText(SplittableRandom r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i % 37 == 36 ? ACCENTED[r.nextInt(ACCENTED.length)] : WORDS[r.nextInt(WORDS.length)]);
            sb.append(i % 11 == 10 ? ". " : " ");
        }
        return sb.toString();
    }

    /** Random code points from the BMP, the supplementary planes and lone surrogates. */
    static String randomCodePoints(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            int cp;
            if (k < 6) {
                cp = r.nextInt(0x10000);
            } else if (k < 9) {
                cp = 0x10000 + r.nextInt(0x20000);
            } else {
                cp = r.nextInt(0x110000);
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
