/**
 * The example as a named module: run on the module path it needs no JVM options (jdk.incubator.vector
 * comes with dev.javelin.kernels, and the default model is bound as dev.javelin.io's service).
 */
module dev.javelin.examples {
    requires dev.javelin.pipelines;
    requires dev.javelin.server;
    requires java.net.http;
}
