/** Neural-network layers over the kernels. */
module dev.javelin.nn {
    requires transitive dev.javelin.kernels;

    exports dev.javelin.nn;
}
