package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

class BgeTransformerFusionsParityTest extends OptimizedExportParityTest {
    BgeTransformerFusionsParityTest() {
        super(BundledModel.BGE_SMALL_EN_V15, Optimizer.TRANSFORMER_FUSIONS);
    }
}
