package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

class MiniLmOrtSessionOptimizedParityTest extends OptimizedExportParityTest {
    MiniLmOrtSessionOptimizedParityTest() {
        super(BundledModel.ALL_MINILM_L6_V2, Optimizer.ORT_SESSION);
    }
}
