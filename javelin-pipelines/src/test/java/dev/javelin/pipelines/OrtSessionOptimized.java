package dev.javelin.pipelines;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The graph ONNX Runtime's session optimizer (level EXTENDED: its CPU fusions) writes for an export
 * with {@code optimized_model_filepath}, as a user saving an ORT-optimized model gets it.
 */
final class OrtSessionOptimized {
    private OrtSessionOptimized() {}

    static ModelProto of(byte[] export, Path scratch) throws Exception {
        Path file = scratch.resolve("ort-optimized.onnx");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            opts.setOptimizedModelFilePath(file.toString());
            OrtEnvironment.getEnvironment().createSession(export, opts).close();
        }
        return ModelProto.parseFrom(Files.readAllBytes(file));
    }
}
