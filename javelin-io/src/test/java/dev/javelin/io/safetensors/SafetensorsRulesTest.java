package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.safetensors.SafetensorsException.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One crafted checkpoint per rule (several for some): each must fail with exactly that rule, naming file and tensor. */
class SafetensorsRulesTest {

    @TempDir Path dir;

    /** Creates the bad checkpoint under a temp directory and returns the path to open. */
    @FunctionalInterface
    interface Setup {
        Path create(Path dir) throws IOException;
    }

    record Case(String description, Rule rule, String tensor, Setup setup) {
        @Override
        public String toString() { return rule + ": " + description; }
    }

    private static Case file(String description, Rule rule, String tensor, byte[] bytes) {
        return new Case(description, rule, tensor, d -> Crafted.write(d.resolve("bad.safetensors"), bytes));
    }

    private static Case header(String description, Rule rule, String tensor, String header, int dataBytes) {
        return file(description, rule, tensor, Crafted.bytes(header, dataBytes));
    }

    private static final String OK_A = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

    static List<Case> cases() {
        return List.of(
                file("5-byte file", Rule.HEADER_TOO_SMALL, null, new byte[5]),
                file("empty file", Rule.HEADER_TOO_SMALL, null, new byte[0]),
                file("length over 100 MB", Rule.HEADER_TOO_LARGE, null, Crafted.withLength(100_000_001L, "{}".getBytes())),
                file("length 2^64-1", Rule.HEADER_TOO_LARGE, null, Crafted.withLength(-1L, "{}".getBytes())),
                file("length past end of file", Rule.HEADER_BEYOND_FILE, null, Crafted.withLength(99_999_999L, "{}    ".getBytes())),
                file("length one past end", Rule.HEADER_BEYOND_FILE, null, Crafted.withLength(3, "{}".getBytes())),
                file("0xff in a name", Rule.HEADER_NOT_UTF8, null,
                        Crafted.bytes(new byte[] {'{', '"', (byte) 0xff, '"', ':', '{', '}', '}'}, 0)),
                file("truncated 2-byte sequence", Rule.HEADER_NOT_UTF8, null,
                        Crafted.bytes(new byte[] {'{', '}', ' ', ' ', ' ', ' ', ' ', (byte) 0xc3}, 0)),
                file("CESU-encoded surrogate", Rule.HEADER_NOT_UTF8, null,
                        Crafted.bytes(new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'}, 0)),
                header("escaped lone surrogate", Rule.HEADER_NOT_UTF8, null, "{\"\\ud800\":{}}", 0),
                header("truncated JSON", Rule.HEADER_NOT_JSON, null, "{\"a\":{\"dtype\":", 0),
                header("trailing garbage", Rule.HEADER_NOT_JSON, null, "{} x", 0),
                header("NUL padding", Rule.HEADER_NOT_JSON, null, "{}\0\0", 0),
                header("single-quoted name", Rule.HEADER_NOT_JSON, null, "{'a':1}", 0),
                header("array header", Rule.HEADER_NOT_OBJECT, null, "[]", 0),
                header("leading space", Rule.HEADER_NOT_OBJECT, null, " {}", 0),
                header("empty header", Rule.HEADER_NOT_OBJECT, null, "", 0),
                header("number value", Rule.METADATA_NOT_STRINGS, null, "{\"__metadata__\":{\"epoch\":3}}", 0),
                header("nested object", Rule.METADATA_NOT_STRINGS, null, "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}", 0),
                header("array metadata", Rule.METADATA_NOT_STRINGS, null, "{\"__metadata__\":[\"a\"]}", 0),
                header("same tensor twice", Rule.DUPLICATE_NAME, "a", "{" + OK_A + "," + OK_A + "}", 4),
                header("metadata key twice", Rule.DUPLICATE_NAME, null, "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0),
                header("metadata twice", Rule.DUPLICATE_NAME, null, "{\"__metadata__\":{},\"__metadata__\":{}}", 0),
                header("entry is a string", Rule.TENSOR_ENTRY_INVALID, "a", "{\"a\":\"F32\"}", 0),
                header("missing data_offsets", Rule.TENSOR_ENTRY_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                header("unknown field", Rule.TENSOR_ENTRY_INVALID, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4),
                header("dtype twice", Rule.TENSOR_ENTRY_INVALID, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("F33", Rule.UNKNOWN_DTYPE, "a", "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("lower case f32", Rule.UNKNOWN_DTYPE, "a", "{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("numeric dtype", Rule.UNKNOWN_DTYPE, "a", "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("negative dimension", Rule.SHAPE_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                header("fractional dimension", Rule.SHAPE_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                header("string dimension", Rule.SHAPE_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4),
                header("huge negative dimension", Rule.SHAPE_INVALID, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[-99999999999999999999],\"data_offsets\":[0,4]}}", 4),
                header("product overflows", Rule.SHAPE_OVERFLOW, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4),
                header("bits overflow", Rule.SHAPE_OVERFLOW, "a",
                        "{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,4]}}", 4),
                header("dimension beyond 64 bits", Rule.SHAPE_OVERFLOW, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,4]}}", 4),
                header("3 x F4 is 12 bits", Rule.SUB_BYTE_MISALIGNED, "a", "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2),
                header("one offset", Rule.OFFSETS_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                header("three offsets", Rule.OFFSETS_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,4]}}", 4),
                header("negative offset", Rule.OFFSETS_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
                header("offsets object", Rule.OFFSETS_INVALID, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}}", 4),
                header("end before begin", Rule.OFFSETS_OUT_OF_ORDER, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4),
                header("end past data", Rule.OFFSETS_OUT_OF_BOUNDS, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                header("offset beyond 64 bits", Rule.OFFSETS_OUT_OF_BOUNDS, "a",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}}", 4),
                header("span != dtype x shape", Rule.BYTE_LENGTH_MISMATCH, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                header("F16 read as 4 bytes", Rule.BYTE_LENGTH_MISMATCH, "a", "{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("second starts inside first", Rule.OFFSETS_OVERLAP, "b",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                header("same bytes twice", Rule.OFFSETS_OVERLAP, "b",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                header("gap between tensors", Rule.OFFSETS_HOLE, "b",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
                header("gap before first", Rule.OFFSETS_HOLE, "a", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                header("trailing bytes", Rule.OFFSETS_HOLE, null, "{" + OK_A + "}", 8),
                header("bytes but no tensors", Rule.OFFSETS_HOLE, null, "{}", 1),
                new Case("empty directory", Rule.NO_CHECKPOINT, null, d -> Files.createDirectories(d.resolve("model"))),
                new Case("no weight_map", Rule.INDEX_INVALID, null, d -> index(d, "{\"metadata\":{}}")),
                new Case("weight_map value is a number", Rule.INDEX_INVALID, "a", d -> index(d, "{\"weight_map\":{\"a\":1}}")),
                new Case("index is not JSON", Rule.INDEX_INVALID, null, d -> index(d, "{weight_map")),
                new Case("index names a tensor twice", Rule.DUPLICATE_NAME, null,
                        d -> index(d, "{\"weight_map\":{\"a\":\"s1.safetensors\",\"a\":\"s1.safetensors\"}}")),
                new Case("parent directory", Rule.INDEX_SHARD_PATH, "a", d -> index(d, "{\"weight_map\":{\"a\":\"../s1.safetensors\"}}")),
                new Case("absolute path", Rule.INDEX_SHARD_PATH, "a", d -> index(d, "{\"weight_map\":{\"a\":\"/etc/passwd\"}}")),
                new Case("shard absent", Rule.INDEX_SHARD_MISSING, "a", d -> index(d, "{\"weight_map\":{\"a\":\"s9.safetensors\"}}")),
                new Case("tensor not in its shard", Rule.INDEX_TENSOR_MISSING, "b",
                        d -> index(d, "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}")),
                new Case("shard holds an unlisted tensor", Rule.INDEX_TENSOR_UNLISTED, "a",
                        d -> index(d, "{\"weight_map\":{\"b\":\"s1.safetensors\"}}")),
                new Case("tensor mapped to the other shard", Rule.INDEX_TENSOR_UNLISTED, "a",
                        d -> index(d, "{\"weight_map\":{\"a\":\"s4.safetensors\",\"y\":\"s1.safetensors\"}}")),
                new Case("same tensor in two shards", Rule.INDEX_DUPLICATE_TENSOR, "a",
                        d -> index(d, "{\"weight_map\":{\"a\":\"s1.safetensors\",\"x\":\"s3.safetensors\"}}")));
    }

    /** An index beside four shards: s1 and s2 hold "a", s3 holds "a" and "x", s4 holds "y". */
    private static Path index(Path d, String json) throws IOException {
        Path sharded = d.resolve("sharded");
        Crafted.write(sharded.resolve("s1.safetensors"), Crafted.bytes("{" + OK_A + "}", 4));
        Crafted.write(sharded.resolve("s2.safetensors"), Crafted.bytes("{" + OK_A + "}", 4));
        Crafted.write(sharded.resolve("s3.safetensors"), Crafted.bytes(
                "{" + OK_A + ",\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        Crafted.write(sharded.resolve("s4.safetensors"), Crafted.bytes(
                "{\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        return Files.writeString(sharded.resolve(SafeTensors.INDEX_FILE), json);
    }

    static Stream<Arguments> rules() {
        return cases().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void violationIsReportedWithFileTensorAndRule(Case c) throws IOException {
        Path path = c.setup().create(dir);
        assertThatThrownBy(() -> SafeTensors.open(path).close())
                .isInstanceOfSatisfying(SafetensorsException.class, e -> {
                    assertThat(e.rule()).as(e.getMessage()).isEqualTo(c.rule());
                    assertThat(e.tensor()).as(e.getMessage()).isEqualTo(c.tensor());
                    assertThat(e.getMessage())
                            .contains(e.file().getFileName().toString())
                            .endsWith("[" + c.rule().id() + "]")
                            .doesNotContain("\n");
                    if (c.tensor() != null) assertThat(e.getMessage()).contains("tensor \"" + c.tensor() + "\"");
                });
    }

    @Test
    void everyRuleHasACase() {
        Set<Rule> covered = cases().stream().map(Case::rule).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        assertThat(covered).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Rule.class));
    }

    @Test
    void hostileNamesStayOnOneShortLine() throws IOException {
        String name = "evil\\nname" + "x".repeat(10_000);
        Path path = Crafted.write(dir.resolve("bad.safetensors"),
                Crafted.bytes("{\"" + name + "\":{\"dtype\":\"F99\",\"shape\":[],\"data_offsets\":[0,0]}}", 0));
        assertThatThrownBy(() -> SafeTensors.open(path))
                .isInstanceOf(SafetensorsException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(1_000).contains("evil\\u000aname"));
    }
}
