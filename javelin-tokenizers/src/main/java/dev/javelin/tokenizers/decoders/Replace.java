package dev.javelin.tokenizers.decoders;

import dev.javelin.tokenizers.RegexBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Replace} decoder: in each piece, every match of the pattern becomes {@code content}. */
public record Replace(Pattern pattern, String content) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(RegexBudget.matcher(pattern, t).replaceAll(Matcher.quoteReplacement(content)));
        }
        return out;
    }
}
