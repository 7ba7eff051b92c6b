package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

class MiniLmTransformerFusionsParityTest extends OptimizedExportParityTest {
    MiniLmTransformerFusionsParityTest() {
        super(BundledModel.ALL_MINILM_L6_V2, Optimizer.TRANSFORMER_FUSIONS);
    }
}
