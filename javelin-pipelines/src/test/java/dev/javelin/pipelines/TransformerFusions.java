package dev.javelin.pipelines;

import com.google.protobuf.ByteString;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.OperatorSetIdProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a PyTorch BERT export into the form ONNX Runtime's transformer optimizer
 * ({@code onnxruntime.transformers.optimizer}, model_type bert) writes, which the Python package
 * that runs it is not installed here to produce: EmbedLayerNormalization for the embeddings (its
 * mask_index output feeding every layer), Attention with Q | K | V in one [hidden, 3·hidden] weight,
 * SkipLayerNormalization with the dense bias folded in, and BiasGelu, all com.microsoft ops. Each
 * fused node takes over the output name of the subgraph it replaces; what is left unread is
 * dropped. ONNX Runtime runs the result with its own kernels, so a test can check the rewrite is
 * the same model before importing it.
 */
final class TransformerFusions {
    private static final String MS = "com.microsoft";

    private final OnnxGraph source;
    private final GraphProto.Builder g;

    private TransformerFusions(ModelProto model) throws Exception {
        this.source = OnnxGraph.of(model, "export");
        this.g = model.getGraph().toBuilder();
    }

    /** The fused form of {@code export}, a PyTorch export of a BERT model with {@code heads} attention heads. */
    static ModelProto rewrite(ModelProto export, int heads) throws Exception {
        TransformerFusions f = new TransformerFusions(export);
        f.fuse(heads);
        f.dropUnread();
        return export.toBuilder().setGraph(f.g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS).setVersion(1)).build();
    }

    private void fuse(int heads) throws Exception {
        String ids = cast("input_ids"), types = cast("token_type_ids"), mask = cast("attention_mask");
        String emb = "/embeddings/";
        add("EmbedLayerNormalization", List.of(ids, types, in(emb + "word_embeddings/Gather", 0), in(emb + "position_embeddings/Gather", 0),
                in(emb + "token_type_embeddings/Gather", 0), in(emb + "LayerNorm/Mul", 1), in(emb + "LayerNorm/Add_1", 1), mask),
                List.of(out(emb + "LayerNorm/Add_1"), "mask_index"), eps(emb));
        for (int i = 0; hasLayer(i); i++) {
            String p = "/encoder/layer." + i + "/";
            String state = in(p + "attention/self/query/MatMul", 0);
            String qkv = "/encoder/layer." + i + "/attention/qkv";
            g.addInitializer(concatenated(qkv + ".weight", true, p + "attention/self/", "MatMul"));
            g.addInitializer(concatenated(qkv + ".bias", false, p + "attention/self/", "Add"));
            add("Attention", List.of(state, qkv + ".weight", qkv + ".bias", "mask_index"), List.of(in(p + "attention/output/dense/MatMul", 0)),
                    OnnxBuilder.intAttr("num_heads", heads));
            skipLayerNorm(p + "attention/output/", state);
            add("BiasGelu", List.of(out(p + "intermediate/dense/MatMul"), bias(p + "intermediate/dense/Add")),
                    List.of(out(p + "intermediate/intermediate_act_fn/Mul_1")));
            skipLayerNorm(p + "output/", out(p + "attention/output/LayerNorm/Add_1"));
        }
    }

    private boolean hasLayer(int i) {
        return source.nodes().stream().anyMatch(n -> n.getName().equals("/encoder/layer." + i + "/attention/self/query/MatMul"));
    }

    /** LayerNorm(dense product + dense bias + skip) after {@code block}'s dense. */
    private void skipLayerNorm(String block, String skip) throws Exception {
        add("SkipLayerNormalization", List.of(out(block + "dense/MatMul"), skip, in(block + "LayerNorm/Mul", 1), in(block + "LayerNorm/Add_1", 1),
                bias(block + "dense/Add")), List.of(out(block + "LayerNorm/Add_1")), eps(block));
    }

    /** The LayerNorm epsilon the export adds to the variance under {@code prefix}. */
    private AttributeProto eps(String prefix) throws Exception {
        String c = otherThan(node(prefix + "LayerNorm/Add"), out(prefix + "LayerNorm/ReduceMean_1"));
        return OnnxBuilder.floatAttr("epsilon", (float) source.constantValues(c).orElseThrow()[0]);
    }

    /** Query, key and value weights (or biases) side by side along the last axis. */
    private TensorProto concatenated(String name, boolean matrix, String self, String op) throws Exception {
        float[][] parts = new float[3][];
        long rows = 1;
        for (int k = 0; k < 3; k++) {
            NodeProto n = node(self + List.of("query", "key", "value").get(k) + "/" + op);
            TensorProto t = source.initializers().get(matrix ? n.getInput(1) : bias(n.getName()));
            if (matrix) rows = OnnxGraph.dims(t)[0];
            ByteBuffer b = source.floatBytes(t);
            parts[k] = new float[b.remaining() / 4];
            b.asFloatBuffer().get(parts[k]);
        }
        int cols = (int) (parts[0].length / rows);
        ByteBuffer out = ByteBuffer.allocate(parts[0].length * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) for (float[] part : parts) for (int c = 0; c < cols; c++) out.putFloat(part[r * cols + c]);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(out.flip()));
        if (matrix) t.addDims(rows);
        return t.addDims(3L * cols).build();
    }

    private String cast(String input) {
        String out = input + "_int32";
        g.addNode(NodeProto.newBuilder().setName("/" + out).setOpType("Cast").addInput(input).addOutput(out)
                .addAttribute(OnnxBuilder.intAttr("to", TensorProto.DataType.INT32_VALUE)));
        return out;
    }

    /** Adds a com.microsoft node; the original producers of its outputs are removed. */
    private void add(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        Set<String> taken = Set.copyOf(outputs);
        List<NodeProto> kept = g.getNodeList().stream().filter(n -> n.getOutputList().stream().noneMatch(taken::contains)).toList();
        g.clearNode().addAllNode(kept);
        NodeProto.Builder n = NodeProto.newBuilder().setName(outputs.getFirst() + "/" + op).setOpType(op).setDomain(MS)
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) n.addAttribute(a);
        g.addNode(n);
    }

    /** Drops nodes whose outputs nobody reads, until none is left, then initializers no node reads. */
    private void dropUnread() {
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        boolean changed = true;
        while (changed) {
            Set<String> read = new HashSet<>(graphOutputs);
            g.getNodeList().forEach(n -> read.addAll(n.getInputList()));
            List<NodeProto> kept = g.getNodeList().stream().filter(n -> n.getOutputList().stream().anyMatch(read::contains)).toList();
            changed = kept.size() != g.getNodeCount();
            g.clearNode().addAllNode(kept);
        }
        Set<String> read = new HashSet<>();
        g.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        List<TensorProto> used = g.getInitializerList().stream().filter(t -> read.contains(t.getName())).toList();
        g.clearInitializer().addAllInitializer(used);
    }

    private NodeProto node(String name) {
        return source.nodes().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the export has no node " + name));
    }

    private String in(String node, int index) {
        return node(node).getInput(index);
    }

    private String out(String node) {
        return node(node).getOutput(0);
    }

    /** The initializer an export's bias Add adds. */
    private String bias(String addNode) {
        NodeProto add = node(addNode);
        return source.isInitializer(add.getInput(0)) ? add.getInput(0) : add.getInput(1);
    }

    private static String otherThan(NodeProto n, String known) {
        return n.getInput(0).equals(known) ? n.getInput(1) : n.getInput(0);
    }
}
