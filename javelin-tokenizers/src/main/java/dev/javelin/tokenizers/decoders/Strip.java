package dev.javelin.tokenizers.decoders;

import java.util.ArrayList;
import java.util.List;

/** {@code Strip} decoder: removes up to {@code start} leading and {@code stop} trailing {@code content} characters from each piece. */
public record Strip(int content, int start, int stop) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            int[] cps = t.codePoints().toArray();
            int from = 0;
            while (from < Math.min(start, cps.length) && cps[from] == content) {
                from++;
            }
            int to = cps.length;
            for (int i = 0; i < stop && cps.length - i - 1 >= 0; i++) {
                if (cps[cps.length - i - 1] != content) {
                    break;
                }
                to = cps.length - i - 1;
            }
            out.add(from >= to ? "" : new String(cps, from, to - from));
        }
        return out;
    }
}
