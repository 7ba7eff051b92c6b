package dev.javelin.nn;

import dev.javelin.kernels.Add;
import dev.javelin.kernels.SymmetricInt8;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A lookup table of learned vectors, one row per id: token, position or token-type embeddings. The
 * rows are F32, or int8 with one scale per row (a token table is the largest tensor of a small
 * encoder; int8 holds it in a quarter of the bytes), dequantized as they are gathered. Either may
 * be a view of the mapped checkpoint, read in place.
 */
public final class Embedding {
    private final Tensor weight;
    private final SymmetricInt8.Table quantized;
    /** F32 {@code weight} gathered as its int8 quantization, one scale per row ({@link SymmetricInt8#dequantizedRow}). */
    private final boolean int8Rows;

    /** {@code weight} is [count, dim], used in place (typically a view into the mapped checkpoint). */
    public Embedding(Tensor weight) {
        this(weight, false);
    }

    private Embedding(Tensor weight, boolean int8Rows) {
        if (weight.rank() != 2) throw new IllegalArgumentException("embedding table must be 2-D, got " + Arrays.toString(weight.shape()));
        weight.requireContiguous("Embedding");
        this.weight = weight;
        this.quantized = null;
        this.int8Rows = int8Rows;
    }

    /** An int8 table [count, dim] with one scale per row: row r is values[r]·scales[r]. */
    public Embedding(SymmetricInt8.Table table) {
        this.weight = null;
        this.quantized = table;
        this.int8Rows = false;
    }

    /**
     * The F32 table {@code weight} [count, dim] (finite; used in place) quantized to int8 per row
     * lazily: each gathered row is what the int8 table would give, bit for bit, while only the rows
     * used are read.
     */
    public static Embedding quantizedOnGather(Tensor weight) {
        SymmetricInt8.requireFinite(weight);
        return new Embedding(weight, true);
    }

    public int count() { return quantized != null ? quantized.rows() : weight.dim(0); }

    public int dim() { return quantized != null ? quantized.cols() : weight.dim(1); }

    /** out[i] = weight[ids[i]] for every row of out [ids.length, dim]. */
    public void lookup(int[] ids, Tensor out) {
        lookup(ids, ids.length, out);
    }

    /** out[i] = weight[ids[i]] for every row of out [count, dim]: the first {@code count} ids (a reused, longer array). */
    public void lookup(int[] ids, int count, Tensor out) {
        requireIds(ids, count, out);
        for (int i = 0; i < count; i++) gatherRow(ids[i], out, i, false);
    }

    /** out[i] += weight[ids[i]]. */
    public void accumulate(int[] ids, Tensor out) {
        accumulate(ids, ids.length, out);
    }

    /** out[i] += weight[ids[i]] for every row of out [count, dim]: the first {@code count} ids (a reused, longer array). */
    public void accumulate(int[] ids, int count, Tensor out) {
        requireIds(ids, count, out);
        for (int i = 0; i < count; i++) gatherRow(ids[i], out, i, true);
    }

    /**
     * out[row] = weight[id], or out[row] += weight[id] with {@code accumulate}: one token's row, for a
     * caller that sums several tables a row at a time (and in parallel). The caller has checked the
     * ids and out with {@link #requireIds} or {@link #requirePositions}.
     */
    public void gatherRow(int id, Tensor out, int row, boolean accumulate) {
        if (quantized != null) {
            if (accumulate) quantized.accumulateRow(id, out.get0(row));
            else quantized.dequantizeRow(id, out.get0(row));
        } else if (int8Rows) {
            long rowBytes = (long) dim() * Float.BYTES;
            SymmetricInt8.dequantizedRow(weight.segment(), weight.byteOffset() + id * rowBytes, dim(), out.get0(row), accumulate);
        } else if (accumulate) {
            Add.row(out, row, weight, id);
        } else {
            long rowBytes = (long) dim() * Float.BYTES;
            MemorySegment.copy(weight.segment(), weight.byteOffset() + id * rowBytes, out.segment(), out.rowOffset(row) * Float.BYTES, rowBytes);
        }
    }

    /** Checks that out is [seqs.totalTokens(), dim] with contiguous rows and that every position from {@code first} is in the table. */
    public void requirePositions(PackedSequences seqs, int first, Tensor out) {
        out.requireShape("embedding output", seqs.totalTokens(), dim());
        if (!out.hasContiguousRows()) throw new IllegalArgumentException("embedding output rows must be contiguous");
        if (seqs.count() > 0 && (first < 0 || (long) first + seqs.maxLength() > count())) {
            throw new IllegalArgumentException("positions " + first + " to " + ((long) first + seqs.maxLength() - 1)
                    + " are out of range for an embedding table of " + count() + " rows");
        }
    }

    /** Checks that out is [count, dim] with contiguous rows and that the first {@code count} ids are rows of the table. */
    public void requireIds(int[] ids, int count, Tensor out) {
        java.util.Objects.checkFromIndexSize(0, count, ids.length);
        out.requireShape("embedding output", count, dim());
        if (!out.hasContiguousRows()) throw new IllegalArgumentException("embedding output rows must be contiguous");
        for (int i = 0; i < count; i++) {
            if (ids[i] < 0 || ids[i] >= count()) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is out of range for an embedding table of "
                        + count() + " rows");
            }
        }
    }
}
