package dev.javelin.pipelines;

import dev.javelin.engine.*;

class AllMiniLmL6V2ParityTest extends RealModelParityTest {
    @Override
    BundledModel model() {
        return BundledModel.ALL_MINILM_L6_V2;
    }
}
