/** Tensors and the hot loops (Vector API), each beside its scalar reference. */
module dev.javelin.kernels {
    requires transitive jdk.incubator.vector;

    exports dev.javelin.kernels;
    exports dev.javelin.tensor;
}
