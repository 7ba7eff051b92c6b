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
        /** File is shorter than the 8-byte header length. */
        HEADER_TOO_SMALL,
        /** Header length over the format's 100,000,000-byte limit. */
        HEADER_TOO_LARGE,
        /** Header length runs past the end of the file. */
        HEADER_BEYOND_FILE,
        /** Header is not valid UTF-8. */
        HEADER_NOT_UTF8,
        /** Header is not valid JSON. */
        HEADER_NOT_JSON,
        /** Header must be a JSON object starting with '{'. */
        HEADER_NOT_OBJECT,
        /** __metadata__ must map strings to strings. */
        METADATA_NOT_STRINGS,
        /** A name appears twice. */
        DUPLICATE_NAME,
        /** A tensor entry must be an object with exactly dtype, shape and data_offsets. */
        TENSOR_ENTRY_INVALID,
        /** Dtype is not one the format defines. */
        UNKNOWN_DTYPE,
        /** Shape must be an array of non-negative integers. */
        SHAPE_INVALID,
        /** Element count times element size overflows 64 bits. */
        SHAPE_OVERFLOW,
        /** A packed sub-byte tensor must end on a byte boundary. */
        SUB_BYTE_MISALIGNED,
        /** Data_offsets must be two non-negative integers. */
        OFFSETS_INVALID,
        /** Data_offsets end before they begin. */
        OFFSETS_OUT_OF_ORDER,
        /** Data_offsets run past the end of the data. */
        OFFSETS_OUT_OF_BOUNDS,
        /** Data_offsets span differs from dtype size times element count. */
        BYTE_LENGTH_MISMATCH,
        /** Two tensors' data overlap. */
        OFFSETS_OVERLAP,
        /** Data bytes not covered by any tensor. */
        OFFSETS_HOLE,
        /** Directory holds no model.safetensors or model.safetensors.index.json. */
        NO_CHECKPOINT,
        /** Index must be a JSON object whose weight_map maps tensor names to shard files. */
        INDEX_INVALID,
        /** Shard file name must stay inside the index's directory. */
        INDEX_SHARD_PATH,
        /** A shard the index names does not exist. */
        INDEX_SHARD_MISSING,
        /** A tensor the index maps to a shard is not in that shard. */
        INDEX_TENSOR_MISSING,
        /** A shard holds a tensor the index does not map to it. */
        INDEX_TENSOR_UNLISTED,
        /** A tensor is stored in two shards. */
        INDEX_DUPLICATE_TENSOR;

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
