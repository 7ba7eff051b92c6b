package dev.javelin.pipelines;

import dev.javelin.engine.*;

class E5SmallV2ParityTest extends RealModelParityTest {
    @Override
    BundledModel model() {
        return BundledModel.E5_SMALL_V2;
    }
}
