package dev.javelin.pipelines;

class BgeSmallEnV15ParityTest extends RealModelParityTest {
    @Override
    BundledModel model() {
        return BundledModel.BGE_SMALL_EN_V15;
    }
}
