package dev.javelin.tokenizers.pretokenizers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Unicode 9.0.0 script of each code point: the table the reference's {@code UnicodeScripts} uses,
 * older than the JDK's, so characters assigned since have no script. Read once from
 * {@code unicode-9-scripts.txt} (made by {@code tools/unicode-scripts/generate.mjs} from Unicode's
 * Scripts.txt); scripts are small positive numbers, 0 meaning none. The BMP is one array lookup, the
 * rest a binary search over runs.
 */
final class Unicode9Scripts {
    static final int NONE = 0;
    private static final Unicode9Scripts TABLE = load();

    private final byte[] bmp = new byte[0x10000];
    private final int[] firsts;
    private final int[] lasts;
    private final byte[] scripts;
    private final Map<String, Integer> ids;

    private Unicode9Scripts(List<int[]> runs, Map<String, Integer> ids) {
        this.ids = Map.copyOf(ids);
        List<int[]> supplementary = new ArrayList<>();
        for (int[] run : runs) {
            if (run[0] < 0x10000) {
                Arrays.fill(bmp, run[0], Math.min(run[1], 0xFFFF) + 1, (byte) run[2]);
            }
            if (run[1] >= 0x10000) {
                supplementary.add(new int[] {Math.max(run[0], 0x10000), run[1], run[2]});
            }
        }
        firsts = supplementary.stream().mapToInt(r -> r[0]).toArray();
        lasts = supplementary.stream().mapToInt(r -> r[1]).toArray();
        scripts = new byte[supplementary.size()];
        for (int i = 0; i < scripts.length; i++) {
            scripts[i] = (byte) supplementary.get(i)[2];
        }
    }

    /** The script of code point {@code c}, or {@link #NONE}. */
    static int of(int c) {
        return TABLE.script(c);
    }

    /** The number of a script by its name in Scripts.txt without underscores ({@code Han}, {@code OldItalic}). */
    static int named(String name) {
        Integer id = TABLE.ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no script '" + name + "' in Unicode 9.0.0");
        }
        return id;
    }

    private int script(int c) {
        if (c < 0x10000) {
            return bmp[c] & 0xFF;
        }
        int i = Arrays.binarySearch(firsts, c);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && c <= lasts[i] ? scripts[i] & 0xFF : NONE;
    }

    private static Unicode9Scripts load() {
        try (InputStream in = Unicode9Scripts.class.getResourceAsStream("unicode-9-scripts.txt")) {
            if (in == null) {
                throw new IllegalStateException("unicode-9-scripts.txt is missing from javelin-tokenizers");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, Integer> ids = new HashMap<>();
            List<int[]> runs = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                int id = ids.computeIfAbsent(f[2], k -> ids.size() + 1);
                runs.add(new int[] {Integer.parseInt(f[0], 16), Integer.parseInt(f[1], 16), id});
            }
            if (ids.size() > 255) {
                throw new IllegalStateException("unicode-9-scripts.txt names more than 255 scripts");
            }
            return new Unicode9Scripts(runs, ids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
