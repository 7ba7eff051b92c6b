package dev.javelin.kernels;

/**
 * bfloat16: the upper half of an F32 (8 exponent bits, 7 mantissa bits). Widening is a 16-bit
 * shift, which is why the kernels can use bf16 weights as stored.
 */
public final class BFloat16 {
    private BFloat16() {}

    /** The bf16 nearest to {@code f}, ties to even (as PyTorch's {@code .to(torch.bfloat16)}); NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat(bf16 << 16);
    }
}
