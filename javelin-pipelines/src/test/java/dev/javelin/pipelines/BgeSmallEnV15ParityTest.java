package dev.javelin.pipelines;

import dev.javelin.engine.*;

class BgeSmallEnV15ParityTest extends RealModelParityTest {
    @Override
    BundledModel model() {
        return BundledModel.BGE_SMALL_EN_V15;
    }
}
