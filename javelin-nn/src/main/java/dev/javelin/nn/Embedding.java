package dev.javelin.nn;

import dev.javelin.kernels.Add;
import dev.javelin.kernels.SymmetricInt8;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A lookup table of learned vectors, one row per id: token, position or token-type embeddings. The
 * rows are F32, or int8 with one scale per row (a token table is the largest tensor of a small
 * encoder; int8 holds it in a quarter of the bytes), dequantized as they are gathered.
 */
public final class Embedding {
    private final Tensor weight;
    private final SymmetricInt8.Quantized quantized;

    /** {@code weight} is [count, dim], used in place (typically a view into the mapped checkpoint). */
    public Embedding(Tensor weight) {
        if (weight.rank() != 2) throw new IllegalArgumentException("embedding table must be 2-D, got " + Arrays.toString(weight.shape()));
        weight.requireContiguous("Embedding");
        this.weight = weight;
        this.quantized = null;
    }

    /** An int8 table [count, dim] with one scale per row: row r is values[r]·scales[r]. */
    public Embedding(SymmetricInt8.Quantized table) {
        this.weight = null;
        this.quantized = table;
    }

    public int count() { return quantized != null ? quantized.rows() : weight.dim(0); }

    public int dim() { return quantized != null ? quantized.cols() : weight.dim(1); }

    /** out[i] = weight[ids[i]] for every row of out [ids.length, dim]. */
    public void lookup(int[] ids, Tensor out) {
        check(ids, out);
        if (quantized != null) {
            for (int i = 0; i < ids.length; i++) quantized.dequantizeRow(ids[i], out.get0(i));
            return;
        }
        long rowBytes = (long) dim() * Float.BYTES;
        MemorySegment src = weight.segment();
        for (int i = 0; i < ids.length; i++) {
            MemorySegment.copy(src, weight.byteOffset() + ids[i] * rowBytes, out.segment(), out.rowOffset(i) * Float.BYTES, rowBytes);
        }
    }

    /** out[i] += weight[ids[i]]. */
    public void accumulate(int[] ids, Tensor out) {
        check(ids, out);
        if (quantized != null) {
            for (int i = 0; i < ids.length; i++) quantized.accumulateRow(ids[i], out.get0(i));
            return;
        }
        for (int i = 0; i < ids.length; i++) Add.row(out, i, weight, ids[i]);
    }

    private void check(int[] ids, Tensor out) {
        out.requireShape("embedding output", ids.length, dim());
        if (!out.hasContiguousRows()) throw new IllegalArgumentException("embedding output rows must be contiguous");
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= count()) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is out of range for an embedding table of "
                        + count() + " rows");
            }
        }
    }
}
