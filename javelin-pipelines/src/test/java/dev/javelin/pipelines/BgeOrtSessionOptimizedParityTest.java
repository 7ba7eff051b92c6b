package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

class BgeOrtSessionOptimizedParityTest extends OptimizedExportParityTest {
    BgeOrtSessionOptimizedParityTest() {
        super(BundledModel.BGE_SMALL_EN_V15, Optimizer.ORT_SESSION);
    }
}
