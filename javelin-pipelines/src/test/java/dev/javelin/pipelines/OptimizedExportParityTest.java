package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.bundled.BundledModel;
import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.tokenizers.Encoding;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A real export after one of ONNX Runtime's graph optimizers, converted by the importer, against
 * ONNX Runtime on the original file (the parent's tolerances). The optimized graph is made at test
 * time from the export in the model's jar; nothing large is committed.
 */
abstract class OptimizedExportParityTest extends RealModelParityTest {
    /** An optimizer and the com.microsoft ops its graph must hold. */
    enum Optimizer {
        /** ONNX Runtime's session optimizer: FusedMatMul scores (scale folded in) and BiasGelu. */
        ORT_SESSION(Set.of("BiasGelu", "FusedMatMul")),
        /** The transformer optimizer's BERT form (see {@link TransformerFusions}). */
        TRANSFORMER_FUSIONS(Set.of("Attention", "BiasGelu", "EmbedLayerNormalization", "SkipLayerNormalization"));

        final Set<String> fusedOps;

        Optimizer(Set<String> fusedOps) {
            this.fusedOps = fusedOps;
        }

        /** The optimized graph of {@code export}; {@code scratch} is a directory to write into. */
        ModelProto optimize(byte[] export, Path scratch) throws Exception {
            return this == ORT_SESSION ? OrtSessionOptimized.of(export, scratch) : TransformerFusions.rewrite(ModelProto.parseFrom(export), 12); // both real exports have 12 heads
        }
    }

    private final BundledModel model;
    private final Optimizer optimizer;
    private ModelProto optimized;

    OptimizedExportParityTest(BundledModel model, Optimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    @Override
    BundledModel model() {
        return model;
    }

    @Override
    Path modelDirectory(Path cache) throws Exception {
        BundledModel m = model();
        byte[] export;
        try (InputStream in = m.open(m.onnxResource())) {
            export = in.readAllBytes();
        }
        optimized = optimizer.optimize(export, cache);
        Path tokenizer = cache.resolve("tokenizer.json"), out = cache.resolve("converted");
        try (InputStream in = m.open(m.tokenizerResource())) {
            Files.copy(in, tokenizer);
        }
        OnnxConverter.convert(OnnxGraph.of(optimized, m.name() + " optimized"), tokenizer, out, m.modules());
        return out;
    }

    @Test
    void theGraphHoldsTheFusedOps() {
        Set<String> microsoft = new TreeSet<>();
        for (NodeProto n : optimized.getGraph().getNodeList()) if (n.getDomain().equals("com.microsoft")) microsoft.add(n.getOpType());
        assertThat(microsoft).isEqualTo(optimizer.fusedOps);
        assertThat(optimized.getGraph().getNodeList()).extracting(NodeProto::getOpType).doesNotContain("Erf");
    }

    /** The optimized graph is the same model to ONNX Runtime's own kernels: what the importer reads is what ORT computes. */
    @Test
    void onnxRuntimeComputesTheSameOnTheOptimizedGraph() throws Exception {
        List<Encoding> batch = List.of(encoder.tokenizer().encode("Hi"), encoder.tokenizer().encode("The quick brown fox jumps over the lazy dog."),
                encoder.tokenizer().encode("What is packing?", "Laying sequences end to end instead of padding them."));
        float[][][] original = reference.run(batch, "last_hidden_state");
        try (OrtReference fused = new OrtReference(optimized.toByteArray())) {
            float[][][] rewritten = fused.run(batch, "last_hidden_state");
            double maxAbs = 0;
            for (int s = 0; s < batch.size(); s++) {
                for (int t = 0; t < batch.get(s).length(); t++) maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(original[s][t], rewritten[s][t]));
            }
            Parity.log(model().name() + " ORT optimized vs original", maxAbs, 1);
            assertThat(maxAbs).isLessThanOrEqualTo(MAX_ABS);
        }
    }
}
