/** Tensors and the hot loops (Vector API), each beside its scalar reference. */
module dev.javelin.kernels {
    requires transitive jdk.incubator.vector;
    requires jdk.management;

    exports dev.javelin.kernels;
    exports dev.javelin.tensor;
}
