package dev.javelin.io.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.javelin.io.safetensors.SafetensorsException.Rule;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parsed, validated header of one safetensors file.
 *
 * <p>Parsing reads only the 8-byte length and the header; tensor bytes are never touched. Every
 * allocation is bounded by the header bytes actually present: the declared length is checked
 * against the file size and the format's limit before anything is allocated, and the JSON is read
 * as a token stream (no tree), accepting only the shapes the format defines.
 *
 * @param metadata  the {@code __metadata__} map (empty if absent)
 * @param entries   tensors in header order
 * @param dataStart file offset of the data buffer (8 + header length)
 */
record SafetensorsHeader(Map<String, String> metadata, List<TensorEntry> entries, long dataStart) {

    /** The format's limit on the header length (the reference implementation's MAX_HEADER_SIZE). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Hostile headers may nest arbitrarily; the format needs depth 3. Strings may be as long as the
     * header itself (the format sets no other limit), so Jackson's defaults must not reject valid
     * files. Field names are neither interned nor canonicalized: hostile names must not fill the
     * JVM's string table.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .maxNameLength((int) MAX_HEADER_BYTES)
                    .build())
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    SafetensorsHeader {
        metadata = Collections.unmodifiableMap(metadata);
        entries = List.copyOf(entries);
    }

    /** Reads {@code length} bytes of the file at {@code offset}; the offsets asked for were checked against the file size. */
    @FunctionalInterface
    interface Source {
        byte[] read(long offset, int length) throws IOException;
    }

    /** Parses and validates the header of {@code contents}, a whole file held in memory. */
    static SafetensorsHeader parse(Path file, MemorySegment contents) throws IOException {
        return parse(file, contents.byteSize(), (offset, length) -> contents.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Parses and validates the header of a file of {@code fileSize} bytes, reading nothing but the
     * length prefix and the header from {@code source}; {@code file} names it in errors.
     */
    static SafetensorsHeader parse(Path file, long fileSize, Source source) throws IOException {
        if (fileSize < Long.BYTES) {
            throw new SafetensorsException(file, null, Rule.HEADER_TOO_SMALL,
                    "file has " + fileSize + " bytes, fewer than the 8-byte header length");
        }
        long n = MemorySegment.ofArray(source.read(0, Long.BYTES)).get(U64_LE, 0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(file, null, Rule.HEADER_TOO_LARGE,
                    "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > fileSize - Long.BYTES) {
            throw new SafetensorsException(file, null, Rule.HEADER_BEYOND_FILE,
                    "header length " + n + " runs past the end of the " + fileSize + "-byte file");
        }
        byte[] json = source.read(Long.BYTES, (int) n);
        checkUtf8(file, json);
        if (json.length == 0 || json[0] != '{') {
            throw new SafetensorsException(file, null, Rule.HEADER_NOT_OBJECT,
                    json.length == 0 ? "header is empty" : "header starts with byte 0x" + Integer.toHexString(json[0] & 0xff));
        }
        long dataStart = Long.BYTES + n;
        long dataLength = fileSize - dataStart;
        Parsed parsed = parseJson(file, json, dataLength);
        checkLayout(file, parsed.entries, dataLength);
        return new SafetensorsHeader(parsed.metadata, parsed.entries, dataStart);
    }

    private record Parsed(Map<String, String> metadata, List<TensorEntry> entries) {}

    private static void checkUtf8(Path file, byte[] bytes) throws SafetensorsException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192); // decoded text is discarded: only validity matters
        CoderResult r;
        do {
            out.clear();
            r = decoder.decode(in, out, true);
        } while (r.isOverflow());
        if (r.isError()) {
            throw new SafetensorsException(file, null, Rule.HEADER_NOT_UTF8, "invalid UTF-8 at header byte " + in.position());
        }
    }

    private static Parsed parseJson(Path file, byte[] json, long dataLength) throws SafetensorsException {
        Map<String, String> metadata = null;
        Map<String, TensorEntry> byName = new HashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SafetensorsException(file, null, Rule.HEADER_NOT_OBJECT, "header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                checkText(file, name);
                p.nextToken();
                if (name.equals(METADATA_KEY)) {
                    if (metadata != null) {
                        throw new SafetensorsException(file, null, Rule.DUPLICATE_NAME, "__metadata__ appears twice");
                    }
                    metadata = parseMetadata(file, p);
                } else {
                    TensorEntry entry = parseTensor(file, name, p, dataLength);
                    if (byName.putIfAbsent(name, entry) != null) {
                        throw new SafetensorsException(file, name, Rule.DUPLICATE_NAME, "name appears twice in the header");
                    }
                    entries.add(entry);
                }
            }
            if (p.nextToken() != null) {
                throw new SafetensorsException(file, null, Rule.HEADER_NOT_JSON, "data after the header object");
            }
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new SafetensorsException(file, null, Rule.HEADER_NOT_JSON,
                    e.getOriginalMessage() + (at >= 0 ? " (header byte " + at + ")" : ""));
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            // Parsing an in-memory array does no I/O; anything else Jackson reports is malformed input.
            throw new SafetensorsException(file, null, Rule.HEADER_NOT_JSON, String.valueOf(e.getMessage()));
        }
        return new Parsed(metadata == null ? Map.of() : metadata, entries);
    }

    private static Map<String, String> parseMetadata(Path file, JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return new TreeMap<>();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new SafetensorsException(file, null, Rule.METADATA_NOT_STRINGS,
                    "__metadata__ is " + describe(p.currentToken()) + ", not an object");
        }
        Map<String, String> metadata = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            checkText(file, key);
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new SafetensorsException(file, null, Rule.METADATA_NOT_STRINGS,
                        "__metadata__ value of \"" + SafetensorsException.printable(key, 100) + "\" is "
                                + describe(p.currentToken()) + ", not a string");
            }
            String value = p.getText();
            checkText(file, value);
            if (metadata.putIfAbsent(key, value) != null) {
                throw new SafetensorsException(file, null, Rule.DUPLICATE_NAME,
                        "__metadata__ key \"" + SafetensorsException.printable(key, 100) + "\" appears twice");
            }
        }
        return metadata;
    }

    private static TensorEntry parseTensor(Path file, String name, JsonParser p, long dataLength) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new SafetensorsException(file, name, Rule.TENSOR_ENTRY_INVALID,
                    "entry is " + describe(p.currentToken()) + ", not an object");
        }
        SafetensorsDType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (dtype != null) throw duplicateField(file, name, field);
                    if (value != JsonToken.VALUE_STRING) {
                        throw new SafetensorsException(file, name, Rule.UNKNOWN_DTYPE, "dtype is " + describe(value) + ", not a string");
                    }
                    String text = p.getText();
                    dtype = SafetensorsDType.parse(text).orElseThrow(() -> new SafetensorsException(file, name,
                            Rule.UNKNOWN_DTYPE, "unknown dtype \"" + SafetensorsException.printable(text, 40) + "\""));
                }
                case "shape" -> {
                    if (shape != null) throw duplicateField(file, name, field);
                    shape = readIntegers(file, name, p, Rule.SHAPE_INVALID, Rule.SHAPE_OVERFLOW, "shape");
                }
                case "data_offsets" -> {
                    if (offsets != null) throw duplicateField(file, name, field);
                    offsets = readIntegers(file, name, p, Rule.OFFSETS_INVALID, Rule.OFFSETS_OUT_OF_BOUNDS, "data_offsets");
                    if (offsets.length != 2) {
                        throw new SafetensorsException(file, name, Rule.OFFSETS_INVALID,
                                "data_offsets has " + offsets.length + " values, not 2");
                    }
                }
                default -> throw new SafetensorsException(file, name, Rule.TENSOR_ENTRY_INVALID,
                        "unknown field \"" + SafetensorsException.printable(field, 40) + "\"");
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw new SafetensorsException(file, name, Rule.TENSOR_ENTRY_INVALID, "missing field \"" + missing + "\"");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin) {
            throw new SafetensorsException(file, name, Rule.OFFSETS_OUT_OF_ORDER,
                    "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafetensorsException(file, name, Rule.OFFSETS_OUT_OF_BOUNDS,
                    "data_offsets [" + begin + ", " + end + "] run past the " + dataLength + "-byte data buffer");
        }
        long bytes = byteSize(file, name, dtype, shape);
        if (end - begin != bytes) {
            throw new SafetensorsException(file, name, Rule.BYTE_LENGTH_MISMATCH,
                    "data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes, but " + dtype
                            + shapeText(shape) + " needs " + bytes);
        }
        return new TensorEntry(new TensorInfo(name, dtype, shape, bytes), begin, end);
    }

    private static long byteSize(Path file, String name, SafetensorsDType dtype, long[] shape) throws SafetensorsException {
        long bits;
        try {
            bits = dtype.bitSize(shape);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, name, Rule.SHAPE_OVERFLOW,
                    dtype + shapeText(shape) + " has more bits than fit in 64 bits");
        }
        if (bits % 8 != 0) {
            throw new SafetensorsException(file, name, Rule.SUB_BYTE_MISALIGNED,
                    dtype + shapeText(shape) + " holds " + bits + " bits, not a whole number of bytes");
        }
        return bits / 8;
    }

    /**
     * Reads an array of non-negative integers. Growth is by doubling from a small array, so a long
     * array costs at most a constant times the header bytes that spell it.
     */
    private static long[] readIntegers(Path file, String name, JsonParser p, Rule invalid, Rule tooLarge, String what)
            throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new SafetensorsException(file, name, invalid, what + " is " + describe(p.currentToken()) + ", not an array");
        }
        long[] values = new long[4];
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new SafetensorsException(file, name, invalid, what + " holds " + describe(t) + ", not an integer");
            }
            long v;
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                if (p.getBigIntegerValue().signum() < 0) {
                    throw new SafetensorsException(file, name, invalid, what + " holds a negative value");
                }
                throw new SafetensorsException(file, name, tooLarge, what + " holds " + SafetensorsException.printable(p.getText(), 40)
                        + ", more than 64 bits can count");
            }
            v = p.getLongValue();
            if (v < 0) throw new SafetensorsException(file, name, invalid, what + " holds negative value " + v);
            if (count == values.length) values = Arrays.copyOf(values, count * 2);
            values[count++] = v;
        }
        return Arrays.copyOf(values, count);
    }

    /** The data buffer must be covered exactly: tensors sorted by offset, each starting where the last ended. */
    private static void checkLayout(Path file, List<TensorEntry> entries, long dataLength) throws SafetensorsException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        String previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < covered) {
                throw new SafetensorsException(file, e.info().name(), Rule.OFFSETS_OVERLAP,
                        "data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor \""
                                + SafetensorsException.printable(previous, 100) + "\" ending at " + covered);
            }
            if (e.begin() > covered) {
                throw new SafetensorsException(file, e.info().name(), Rule.OFFSETS_HOLE,
                        "data bytes [" + covered + ", " + e.begin() + ") before this tensor belong to no tensor");
            }
            covered = e.end();
            previous = e.info().name();
        }
        if (covered != dataLength) {
            throw new SafetensorsException(file, null, Rule.OFFSETS_HOLE,
                    "data bytes [" + covered + ", " + dataLength + ") after the last tensor belong to no tensor");
        }
    }

    /** JSON escapes can spell unpaired surrogates, which no UTF-8 file can hold. */
    private static void checkText(Path file, String s) throws SafetensorsException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new SafetensorsException(file, null, Rule.HEADER_NOT_UTF8,
                        "string \"" + SafetensorsException.printable(s, 60) + "\" holds an unpaired surrogate escape");
            }
        }
    }

    private static SafetensorsException duplicateField(Path file, String name, String field) {
        return new SafetensorsException(file, name, Rule.TENSOR_ENTRY_INVALID, "field \"" + field + "\" appears twice");
    }

    private static String describe(JsonToken t) {
        if (t == null) return "missing";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a non-integer number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }
}
