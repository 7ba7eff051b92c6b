package dev.javelin.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated three-topic dataset: sentences built from a topic's own nouns and verbs inside shared,
 * topic-neutral frames, so only the topic words separate the classes. Seeded, so train and test sets
 * drawn with different seeds are different sentences of the same distribution.
 */
final class GeneratedTopics {

    static final List<String> CLASSES = List.of("cooking", "finance", "sports");

    private static final String[][] NOUNS = {
        {"the soup", "a loaf of bread", "the oven", "fresh basil", "the pasta sauce", "a chocolate cake", "the frying pan"},
        {"the stock market", "our savings account", "the mortgage rate", "quarterly earnings", "the bond yield",
            "a bank loan", "the pension fund"},
        {"the football match", "the goalkeeper", "the tennis final", "the league table", "the marathon runner",
            "our basketball team", "the penalty kick"}};
    private static final String[][] VERBS = {
        {"simmered", "was baked", "was seasoned", "got stirred", "was chopped"},
        {"was invested", "got refinanced", "was audited", "paid dividends", "was taxed"},
        {"was won", "scored twice", "was refereed", "got relegated", "was trained hard"}};
    private static final String[] FRAMES = {
        "Yesterday %s %s.", "I heard that %s %s again.", "Everyone says %s %s this week.",
        "Apparently %s %s before noon.", "My neighbour told me %s %s."};

    private GeneratedTopics() {
    }

    /** {@code perClass} examples of each class, as {@code text,label} CSV with a header. */
    static String csv(int perClass, long seed) {
        StringBuilder out = new StringBuilder("text,label\n");
        for (Example e : examples(perClass, seed)) {
            out.append('"').append(e.text()).append("\",").append(CLASSES.get(e.label())).append('\n');
        }
        return out.toString();
    }

    record Example(String text, int label) {
    }

    static List<Example> examples(int perClass, long seed) {
        Random random = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < CLASSES.size(); c++) {
                String noun = NOUNS[c][random.nextInt(NOUNS[c].length)];
                String verb = VERBS[c][random.nextInt(VERBS[c].length)];
                out.add(new Example(String.format(FRAMES[random.nextInt(FRAMES.length)], noun, verb), c));
            }
        }
        return out;
    }
}
