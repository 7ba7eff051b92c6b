package dev.javelin.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.onnx.proto.Onnx.NodeProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BertGraphImporterTest {

    /** Node names the exporter gives linear MatMuls, e.g. /encoder/layer.3/attention/self/key/MatMul. */
    private static final Pattern MATMUL_NODE = Pattern.compile("/(encoder/layer\\.\\d+/.+)/MatMul");

    /** Parsed once per test run: each real graph is 90-130 MB. */
    private static final Map<String, OnnxGraph> GRAPHS = new java.util.concurrent.ConcurrentHashMap<>();

    static OnnxGraph load(String resource) throws IOException {
        OnnxGraph cached = GRAPHS.get(resource);
        if (cached != null) return cached;
        try (InputStream in = BertGraphImporterTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test class path").isNotNull();
            OnnxGraph graph = OnnxGraph.read(in, resource);
            GRAPHS.put(resource, graph);
            return graph;
        }
    }

    @ParameterizedTest
    @CsvSource({"all-minilm-l6-v2.onnx,6", "bge-small-en-v1.5.onnx,12", "e5-small-v2.onnx,12"})
    void recoversTheArchitectureOfRealExports(String resource, int layers) throws IOException {
        OnnxGraph graph = load(resource);
        ImportedEncoder enc = BertGraphImporter.importEncoder(graph);

        assertThat(enc.vocabSize()).isEqualTo(30522);
        assertThat(enc.hiddenSize()).isEqualTo(384);
        assertThat(enc.numHiddenLayers()).isEqualTo(layers);
        assertThat(enc.numAttentionHeads()).isEqualTo(12);
        assertThat(enc.intermediateSize()).isEqualTo(1536);
        assertThat(enc.hiddenAct()).isEqualTo("gelu");
        assertThat(enc.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(enc.typeVocabSize()).isEqualTo(2);
        assertThat(enc.layerNormEps()).isEqualTo(1e-12);
        assertThat(enc.weights()).hasSize(5 + 16 * layers);
    }

    /**
     * The importer ignores names; the exporter's own names are the ground truth to check it against:
     * kept names for biases and norms, and the MatMul node names for the renamed weights.
     */
    @ParameterizedTest
    @CsvSource({"all-minilm-l6-v2.onnx", "bge-small-en-v1.5.onnx", "e5-small-v2.onnx"})
    void structuralNamesAgreeWithTheExportersNames(String resource) throws IOException {
        OnnxGraph graph = load(resource);
        Map<String, String> matmulNodeOfWeight = new HashMap<>();
        for (NodeProto n : graph.nodes()) {
            Matcher m = MATMUL_NODE.matcher(n.getName());
            if (n.getOpType().equals("MatMul") && m.matches() && graph.isInitializer(n.getInput(1))) {
                matmulNodeOfWeight.put(n.getInput(1), m.group(1).replace('/', '.') + ".weight");
            }
        }
        int renamed = 0;
        for (EncoderWeight w : BertGraphImporter.importEncoder(graph).weights()) {
            String original = w.initializer().getName();
            if (original.startsWith("onnx::")) {
                assertThat(w.hfName()).as(original).isEqualTo(matmulNodeOfWeight.get(original));
                assertThat(w.transpose()).isTrue();
                renamed++;
            } else {
                assertThat(w.hfName()).isEqualTo(original);
                assertThat(w.transpose()).isFalse();
            }
        }
        assertThat(renamed).isEqualTo(matmulNodeOfWeight.size()).isPositive();
    }

    @Test
    void garbageIsAClearError() {
        byte[] junk = {0x08, (byte) 0xff, 0x3a, 0x7f, 0x01};
        assertThatThrownBy(() -> OnnxGraph.read(new java.io.ByteArrayInputStream(junk), "junk.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("junk.onnx");
    }
}
