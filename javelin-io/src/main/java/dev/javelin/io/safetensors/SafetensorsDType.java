package dev.javelin.io.safetensors;

import dev.javelin.tensor.DType;
import java.util.Optional;

/**
 * Every element type the safetensors format defines, spelled as in the header's {@code dtype}
 * field. Declared in increasing alignment order, as the reference implementation orders them: the
 * writer lays data out in decreasing order so every tensor starts aligned to its element size.
 */
public enum SafetensorsDType {
    BOOL(8),
    /** OCP MX FP4 (E2M1), two per byte. */
    F4(4),
    /** OCP MX FP6, packed at six bits per element. */
    F6_E2M3(6),
    F6_E3M2(6),
    U8(8),
    I8(8),
    F8_E5M2(8),
    F8_E4M3(8),
    /** OCP MX scale type: an 8-bit exponent. */
    F8_E8M0(8),
    F8_E4M3FNUZ(8),
    F8_E5M2FNUZ(8),
    I16(16),
    U16(16),
    F16(16),
    BF16(16),
    I32(32),
    U32(32),
    F32(32),
    /** Complex with two F32 parts. */
    C64(64),
    F64(64),
    I64(64),
    U64(64);

    private final int bits;

    SafetensorsDType(int bits) { this.bits = bits; }

    /** Size of one element in bits (4 and 6 for the packed MX types). */
    public int bits() { return bits; }

    /**
     * Total bits of a tensor of this type and {@code shape}, multiplied left to right as the
     * reference implementation does.
     *
     * @throws ArithmeticException if the count overflows 64 bits
     */
    public long bitSize(long... shape) {
        long numel = 1;
        for (long d : shape) numel = Math.multiplyExact(numel, d);
        return Math.multiplyExact(numel, (long) bits);
    }

    /** The dtype spelled {@code name} in a header (case-sensitive, as the format is). */
    public static Optional<SafetensorsDType> parse(String name) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }

    /** The tensor storage type this loads as, for the types Javelin computes with. */
    public Optional<DType> storage() {
        return switch (this) {
            case F32 -> Optional.of(DType.F32);
            case F16 -> Optional.of(DType.F16);
            case BF16 -> Optional.of(DType.BF16);
            default -> Optional.empty();
        };
    }
}
