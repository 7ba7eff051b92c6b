package dev.javelin.io.safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A checkpoint that breaks a rule of the safetensors format (or of a sharded index). The message is
 * one line naming the file, the tensor when there is one, and the rule, so a CLI can print it as is.
 */
public final class SafetensorsException extends IOException {

    /** The rules a file is checked against; {@link #id()} is the name messages and docs use. */
    public enum Rule {
        HEADER_TOO_SMALL("file is shorter than the 8-byte header length"),
        HEADER_TOO_LARGE("header length over the format's 100,000,000-byte limit"),
        HEADER_BEYOND_FILE("header length runs past the end of the file"),
        HEADER_NOT_UTF8("header is not valid UTF-8"),
        HEADER_NOT_JSON("header is not valid JSON"),
        HEADER_NOT_OBJECT("header must be a JSON object starting with '{'"),
        METADATA_NOT_STRINGS("__metadata__ must map strings to strings"),
        DUPLICATE_NAME("a name appears twice"),
        TENSOR_ENTRY_INVALID("a tensor entry must be an object with exactly dtype, shape and data_offsets"),
        UNKNOWN_DTYPE("dtype is not one the format defines"),
        SHAPE_INVALID("shape must be an array of non-negative integers"),
        SHAPE_OVERFLOW("element count times element size overflows 64 bits"),
        SUB_BYTE_MISALIGNED("a packed sub-byte tensor must end on a byte boundary"),
        OFFSETS_INVALID("data_offsets must be two non-negative integers"),
        OFFSETS_OUT_OF_ORDER("data_offsets end before they begin"),
        OFFSETS_OUT_OF_BOUNDS("data_offsets run past the end of the data"),
        BYTE_LENGTH_MISMATCH("data_offsets span differs from dtype size times element count"),
        OFFSETS_OVERLAP("two tensors' data overlap"),
        OFFSETS_HOLE("data bytes not covered by any tensor"),
        NO_CHECKPOINT("directory holds no model.safetensors or model.safetensors.index.json"),
        INDEX_INVALID("index must be a JSON object whose weight_map maps tensor names to shard files"),
        INDEX_SHARD_PATH("shard file name must stay inside the index's directory"),
        INDEX_SHARD_MISSING("a shard the index names does not exist"),
        INDEX_TENSOR_MISSING("a tensor the index maps to a shard is not in that shard"),
        INDEX_TENSOR_UNLISTED("a shard holds a tensor the index does not map to it"),
        INDEX_DUPLICATE_TENSOR("a tensor is stored in two shards");

        private final String description;

        Rule(String description) { this.description = description; }

        /** Human-readable statement of the rule. */
        public String description() { return description; }

        /** Kebab-case identifier, e.g. {@code offsets-overlap}. */
        public String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }
    }

    private final transient Path file;
    private final String tensor;
    private final Rule rule;

    /**
     * @param file   the file at fault
     * @param tensor the tensor at fault, or null when the problem is not about one tensor
     * @param detail what exactly is wrong, e.g. "data_offsets [0, 24] span 24 bytes, F32[2, 2] needs 16"
     */
    public SafetensorsException(Path file, String tensor, Rule rule, String detail) {
        super(format(file, tensor, rule, detail));
        this.file = file;
        this.tensor = tensor;
        this.rule = rule;
    }

    public Path file() { return file; }

    /** The tensor at fault, or null. */
    public String tensor() { return tensor; }

    public Rule rule() { return rule; }

    private static String format(Path file, String tensor, Rule rule, String detail) {
        StringBuilder sb = new StringBuilder().append(file);
        if (tensor != null) sb.append(": tensor \"").append(printable(tensor, 200)).append('"');
        return sb.append(": ").append(printable(detail, 500)).append(" [").append(rule.id()).append(']').toString();
    }

    /**
     * Hostile names may hold newlines, control characters or megabytes of text; messages stay one
     * short line whatever the input.
     */
    static String printable(String s, int maxChars) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), maxChars) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (sb.length() >= maxChars) {
                sb.append("…(").append(s.length()).append(" chars)");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !isPairedAt(s, i)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isPairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
