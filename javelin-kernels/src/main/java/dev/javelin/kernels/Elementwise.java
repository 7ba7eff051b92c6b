package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.util.function.Consumer;

/** Index iteration for the scalar reference kernels: plain, obviously correct, slow. */
final class Elementwise {
    private Elementwise() {}

    /**
     * Calls {@code body} once per row (all axes but the last) with the row's multi-index, last
     * component 0; the body walks the last axis itself. The array is reused.
     */
    static void forEachRow(Tensor x, Consumer<int[]> body) {
        if (x.rank() == 0) {
            body.accept(new int[0]);
            return;
        }
        int[] shape = x.shape();
        int last = shape.length - 1;
        for (int d = 0; d < last; d++) if (shape[d] == 0) return;
        int[] idx = new int[shape.length];
        for (long r = 0, rows = x.rows(); r < rows; r++) {
            idx[last] = 0;
            body.accept(idx);
            for (int d = last - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }

    /** Calls {@code body} with every multi-index of {@code x} in row-major order (the array is reused). */
    static void forEachIndex(Tensor x, Consumer<int[]> body) {
        int[] shape = x.shape();
        if (x.size() == 0) return;
        int[] idx = new int[shape.length];
        for (long i = 0, n = x.size(); i < n; i++) {
            body.accept(idx);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
