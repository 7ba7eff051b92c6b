package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/**
 * ONNX's DynamicQuantizeLinear, as ONNX Runtime runs it in front of every MatMulInteger of a
 * dynamic-quantization export, applied as fake quantization: the whole tensor gets one uint8 scale
 * and zero point from its range (widened to include 0), s = (max − min)/255, z = round(−min/s)
 * clamped to [0, 255], q = clamp(round(x/s) + z, 0, 255), rounding half to even; each value is then
 * replaced by (q − z)·s, the F32 value the integer product stands for. A product with int8 weights
 * over these values is ORT's MatMulInteger result up to the rounding of F32 sums. It is a reference
 * mode (it copies its input), not a fast path: Javelin's own int8 keeps activations F32.
 */
public final class DynamicActivationQuantization {
    private DynamicActivationQuantization() {}

    /** out = (q − z)·s for every element of {@code x} (any strides); out, contiguous with x's shape, may be x. */
    public static void apply(Tensor x, Tensor out) {
        out.requireShape("fake-quantized activations", x.shape());
        float[] v = x.toArray();
        float min = 0, max = 0;
        for (float f : v) {
            if (!Float.isFinite(f)) throw new IllegalArgumentException("activation " + f + " cannot be quantized");
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        float scale = (max - min) / 255f;
        if (scale == 0) {
            out.copyFrom(v);
            return;
        }
        float zero = (float) Math.max(0, Math.min(255, Math.rint(-min / scale)));
        for (int i = 0; i < v.length; i++) {
            float q = (float) Math.max(0, Math.min(255, Math.rint(v[i] / scale) + zero));
            v[i] = (q - zero) * scale;
        }
        out.copyFrom(v);
    }
}
