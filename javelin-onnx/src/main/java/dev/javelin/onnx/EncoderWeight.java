package dev.javelin.onnx;

import dev.javelin.onnx.proto.Onnx.TensorProto;

/**
 * One weight of an imported encoder: the ONNX initializer that holds it and whether it must be
 * transposed to reach the Hugging Face layout (MatMul weights are stored [in, out], PyTorch's Linear
 * keeps [out, in]). A quantized weight (8-bit initializer) carries its scale, one per output channel
 * or one for the tensor, and its zero point (null: zero), as ONNX Runtime's quantizer stored them:
 * the value is (q − zero point)·scale. {@code part} picks one of equal slices along the
 * initializer's last axis (null: all of it): ONNX Runtime's fused Attention keeps query, key and
 * value side by side in one [in, 3·out] weight and one bias.
 */
public record EncoderWeight(String hfName, TensorProto initializer, boolean transpose, TensorProto scale, TensorProto zeroPoint,
                            Part part) {

    /** Slice {@code index} of {@code count} equal slices along the last axis. */
    public record Part(int index, int count) {}

    /** A float weight. */
    public EncoderWeight(String hfName, TensorProto initializer, boolean transpose) {
        this(hfName, initializer, transpose, null, null, null);
    }

    /** The same weight under another name. */
    public EncoderWeight named(String name) {
        return new EncoderWeight(name, initializer, transpose, scale, zeroPoint, part);
    }

    public boolean quantized() {
        return scale != null;
    }

    /** The shape as stored in the initializer, narrowed to {@link #part}. */
    public int[] storedShape() {
        long[] d = OnnxGraph.dims(initializer);
        int[] s = new int[d.length];
        for (int i = 0; i < d.length; i++) s[i] = Math.toIntExact(d[i]);
        if (part != null) s[s.length - 1] /= part.count();
        return s;
    }

    /** The shape under the Hugging Face name. */
    public int[] shape() {
        int[] s = storedShape();
        if (transpose) {
            int tmp = s[0];
            s[0] = s[1];
            s[1] = tmp;
        }
        return s;
    }
}
