package dev.javelin.engine;

import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The exact bits of the embedded default's outputs for a fixed batch, one line per vector, so that
 * two runs (two JIT tiers, two processes) can be compared as strings. {@code main} prints them from
 * a fresh JVM, whose first forward pass runs in the interpreter and C1.
 */
final class OutputBits {
    /** The first input is long enough (51 tokens) for the kernels' vector loops as well as their tails. */
    static final List<Input> BATCH = List.of(Input.of("The delivery was late, the box was torn and one of the cups inside"
                    + " had cracked, but the support team answered within the hour, apologised and sent a new set that"
                    + " arrived two days later."),
            Input.of("short"), Input.of("question?", "answer."));

    private OutputBits() {}

    /** The batch's embeddings and logits, then the second input's embedding when it runs alone. */
    static List<String> of(Engine engine) {
        List<String> lines = new ArrayList<>();
        for (float[] v : engine.embed(BATCH, EmbedOptions.DEFAULT)) lines.add(hex(v));
        List<Encoding> batch = BATCH.stream().map(i -> engine.encode(i, Truncate.RIGHT)).toList();
        for (float[] v : engine.logits(batch)) lines.add(hex(v));
        lines.add(hex(engine.embed(List.of(BATCH.get(1)), EmbedOptions.DEFAULT)[0]));
        return lines;
    }

    private static String hex(float[] v) {
        StringBuilder s = new StringBuilder();
        for (float x : v) s.append(HexFormat.of().toHexDigits(Float.floatToRawIntBits(x)));
        return s.toString();
    }

    public static void main(String[] args) throws Exception {
        try (Engine engine = Engine.load(ModelSpec.DEFAULT)) {
            of(engine).forEach(System.out::println);
        }
    }
}
