package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.bundled.BundledModel;
import dev.javelin.onnx.BertGraphImporter;
import dev.javelin.onnx.OnnxFormatException;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the fused ops may carry that the engine does not compute is refused, naming the node, never imported wrong. */
class FusedGraphErrorsTest {
    private static ModelProto fused;

    @BeforeAll
    static void rewrite() throws Exception {
        BundledModel m = BundledModel.ALL_MINILM_L6_V2;
        try (InputStream in = m.open(m.onnxResource())) {
            fused = TransformerFusions.rewrite(ModelProto.parseFrom(in), 12);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "causal-attention   | Attention with unidirectional is not supported",
            "fast-gelu          | (tanh-approximated GELU) is not supported",
            "position-ids       | EmbedLayerNormalization takes position ids token_type_ids_int32",
            "attention-bias     | Attention input 4 (mask_index): past state or attention bias is not supported"})
    void unsupportedFusedFormsFailNamingTheNode(String mutation, String message) throws Exception {
        GraphProto.Builder g = fused.getGraph().toBuilder();
        NodeProto.Builder attention = first(g, "Attention"), biasGelu = first(g, "BiasGelu"), embed = first(g, "EmbedLayerNormalization");
        switch (mutation.trim()) {
            case "causal-attention" -> attention.addAttribute(OnnxBuilder.intAttr("unidirectional", 1));
            case "fast-gelu" -> biasGelu.setOpType("FastGelu");
            case "position-ids" -> embed.addInput("token_type_ids_int32");
            case "attention-bias" -> attention.addInput("mask_index");
            default -> throw new IllegalArgumentException(mutation);
        }
        OnnxGraph mutated = OnnxGraph.of(fused.toBuilder().setGraph(g).build(), "mutated.onnx");
        assertThatThrownBy(() -> BertGraphImporter.importEncoder(mutated)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("mutated.onnx").hasMessageContaining(message.trim());
    }

    private static NodeProto.Builder first(GraphProto.Builder g, String op) {
        return g.getNodeBuilderList().stream().filter(n -> n.getOpType().equals(op)).findFirst().orElseThrow();
    }
}
