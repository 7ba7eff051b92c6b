package dev.javelin.onnx;

import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recovers a BERT encoder from an ONNX export by walking its graph, not by trusting names: PyTorch's
 * exporter keeps names only for weights it uses as-is (biases, norms, embeddings) and renames the
 * transposed linear weights to {@code onnx::MatMul_N}. Which projection a weight is follows from
 * where its output goes: the query and key meet in the attention-score MatMul (query on the left),
 * the value is the right operand of the probability·value MatMul, the output projection reads the
 * merged heads, and the feed-forward pair brackets the activation. Hyper-parameters come from the
 * same walk: head count from the Reshape that splits heads, eps from the LayerNorm, the activation
 * from the ops between the feed-forward MatMuls.
 *
 * <p>Handles the forms exporters produce for BERT: MatMul+Add or Gemm linears, decomposed or fused
 * LayerNormalization, erf-decomposed or fused Gelu, the 1/√d scale on the scores or on Q/K, and the
 * pooler branch older exports keep as a second output. It also reads the graphs ONNX Runtime's
 * optimizers write (com.microsoft domain): FusedMatMul (scores with the scale folded in), BiasGelu,
 * SkipLayerNormalization (residual, optionally the bias, and LayerNorm), Attention (Q | K | V in one
 * weight) and EmbedLayerNormalization (the three lookups, their sum and the LayerNorm). Anything
 * else fails with a message naming the layer and the node where the pattern broke.
 */
public final class BertGraphImporter {
    /** Ops that only compute shapes: they read a value but never its data. */
    private static final Set<String> SHAPE_OPS = Set.of("Shape", "Size");

    private final OnnxGraph g;
    private final List<EncoderWeight> weights = new ArrayList<>();
    /** Initializer names placed; a slice of one (fused Q | K | V) as name#index. */
    private final Set<String> placed = new HashSet<>();

    private BertGraphImporter(OnnxGraph graph) {
        this.g = graph;
    }

    /** Walks {@code graph} and returns the encoder it computes. */
    public static ImportedEncoder importEncoder(OnnxGraph graph) throws OnnxFormatException {
        return new BertGraphImporter(graph).run();
    }

    /**
     * A linear layer: {@code entry} is the node reading its input (the MatMul or Gemm, or the
     * DynamicQuantizeLinear in front of a MatMulInteger). {@code outMajor}: the weight is stored
     * [out, in] (Gemm with transB, PyTorch's own layout), else [in, out]. {@code scale} and
     * {@code zeroPoint} are an 8-bit weight's (null for a float weight). {@code activation}: the
     * activation fused with the bias (ONNX Runtime's BiasGelu), else null; then {@code output} is
     * the activated value.
     */
    private record Linear(NodeProto entry, TensorProto weight, boolean outMajor, TensorProto scale, TensorProto zeroPoint,
                          TensorProto bias, String output, String activation) {
        int outFeatures() {
            return (int) OnnxGraph.dims(weight)[outMajor ? 0 : 1];
        }

        int inFeatures() {
            return (int) OnnxGraph.dims(weight)[outMajor ? 1 : 0];
        }
    }

    private record Norm(TensorProto gamma, TensorProto beta, double eps, String output) {}

    /** Where a projection's output ends up: a MatMul operand, after reshapes/transposes/scales. */
    private record Trace(NodeProto matmul, int operand, double scale, List<NodeProto> reshapes, List<Long> perm) {}

    /** Axis orders of the split heads: [batch, heads, tokens, head] for Q and V, keys transposed for Q·Kᵀ. */
    private static final List<Long> HEADS_FIRST = List.of(0L, 2L, 1L, 3L), KEYS_TRANSPOSED = List.of(0L, 2L, 3L, 1L);

    /** An embedding table read by a Gather; an 8-bit table with the DequantizeLinear after it (else null scale, zero point). */
    private record Table(NodeProto gather, TensorProto weight, TensorProto scale, TensorProto zeroPoint, String output) {}

    /** The embedding stage: the tables' sizes and the LayerNorm whose output the first layer reads. */
    private record Embeddings(ImportedEncoder.Family family, int vocab, int hidden, int positions, int types, int paddingIdx, Norm norm) {}

    /** One encoder layer: its shape, and the value the next layer reads. */
    private record Layer(int heads, int intermediate, String activation, String output) {}

    /** Self-attention's projections told apart, the heads' layout checked. */
    private record Attention(Linear query, Linear key, Linear value, int heads, int headSize, Trace queryTrace,
                             Trace keyTrace, Trace valueTrace) {}

    private ImportedEncoder run() throws OnnxFormatException {
        Embeddings embeddings = embeddings();
        String state = embeddings.norm().output();
        int layers = 0, heads = -1, intermediate = -1;
        String act = null;
        for (Layer layer; (layer = layer(state, layers, embeddings.hidden())) != null; layers++) {
            String where = "layer " + layers;
            if (heads >= 0 && heads != layer.heads()) throw fail(where, "head count " + layer.heads() + " differs from earlier layers (" + heads + ")");
            if (intermediate >= 0 && intermediate != layer.intermediate()) {
                throw fail(where, "intermediate size " + layer.intermediate() + " differs from earlier layers");
            }
            if (act != null && !act.equals(layer.activation())) throw fail(where, "activation " + layer.activation() + " differs from earlier layers");
            heads = layer.heads();
            intermediate = layer.intermediate();
            act = layer.activation();
            state = layer.output();
        }
        if (layers == 0) throw fail("encoder", "no attention layer reads the embeddings output " + state);
        if (!g.outputNames().contains(state)) {
            throw fail("encoder", "the last layer's output " + state + " is not a graph output (outputs: " + g.outputNames() + ")");
        }
        pooler(state, embeddings.hidden());
        requireEverythingPlaced();
        List<EncoderWeight> named = embeddings.family() == ImportedEncoder.Family.DISTILBERT
                ? weights.stream().map(w -> w.named(distilBertName(w.hfName()))).toList() : List.copyOf(weights);
        if (embeddings.family() == ImportedEncoder.Family.DISTILBERT && embeddings.norm().eps() != 1e-12) {
            throw fail("embeddings", "LayerNorm epsilon " + embeddings.norm().eps() + "; DistilBERT's is fixed at 1e-12");
        }
        return new ImportedEncoder(embeddings.family(), embeddings.vocab(), embeddings.hidden(), layers, heads, intermediate, act,
                embeddings.positions(), embeddings.types(), embeddings.norm().eps(), embeddings.paddingIdx(), named);
    }

    /** BERT's module path of a weight as DistilBERT names it (the walk names by BERT's modules). */
    private static String distilBertName(String bert) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)").matcher(bert);
        if (!m.matches()) return bert;
        String module = switch (m.group(2)) {
            case "attention.self.query" -> "attention.q_lin";
            case "attention.self.key" -> "attention.k_lin";
            case "attention.self.value" -> "attention.v_lin";
            case "attention.output.dense" -> "attention.out_lin";
            case "attention.output.LayerNorm" -> "sa_layer_norm";
            case "intermediate.dense" -> "ffn.lin1";
            case "output.dense" -> "ffn.lin2";
            case "output.LayerNorm" -> "output_layer_norm";
            default -> throw new IllegalStateException("no DistilBERT name for " + bert);
        };
        return "transformer.layer." + m.group(1) + "." + module + "." + m.group(3);
    }

    // ---- embeddings -----------------------------------------------------------------------

    /**
     * Word, token type and position lookups, their sum, and its LayerNorm. The terms tell the family
     * apart: BERT reads token_type_ids and absolute positions; DistilBERT has no token types;
     * RoBERTa numbers positions from the padding id and reads its one-row token type table at index 0.
     */
    private Embeddings embeddings() throws OnnxFormatException {
        String ids = requireInput("input_ids");
        NodeProto fused = readerThroughCasts(ids, "EmbedLayerNormalization", 0);
        if (fused != null) return fusedEmbeddings(fused);
        Table wordTable = table(embeddingLookup(ids, "input_ids"));
        int vocab = (int) OnnxGraph.dims(wordTable.weight())[0];
        int hidden = (int) OnnxGraph.dims(wordTable.weight())[1];
        placeTable("embeddings.word_embeddings.weight", wordTable);
        NodeProto typeLookup = g.inputNames().contains("token_type_ids") ? embeddingLookup("token_type_ids", "token_type_ids") : null;

        // Follow the sum word + type + position to the embedding LayerNorm.
        String sum = wordTable.output();
        Table positionTable = null, typeTable = null;
        int paddingIdx = -1;
        while (true) {
            List<NodeProto> next = dataConsumers(sum);
            if (next.size() != 1 || !next.getFirst().getOpType().equals("Add")) break;
            NodeProto add = next.getFirst();
            String other = otherInput(add, sum);
            NodeProto p = g.producer(other);
            // an 8-bit table's lookup is dequantized after the Gather
            if (p != null && p.getOpType().equals("DequantizeLinear")) p = g.producer(p.getInput(0));
            if (p == null || !p.getOpType().equals("Gather") || !g.isInitializer(p.getInput(0))) {
                throw fail("embeddings", "unexpected term " + other + " added to the embeddings (" + describe(p) + ")");
            }
            OptionalInt padding = paddingPositions(p.getInput(1));
            boolean type = p.equals(typeLookup) || typeLookup == null && OnnxGraph.dims(g.initializers().get(p.getInput(0)))[0] == 1
                    && onlyShapesOfInputs(p.getInput(1));
            if (type) {
                if (typeTable != null) throw fail("embeddings", "two token type embedding lookups");
                typeTable = table(p);
            } else {
                if (positionTable != null) throw fail("embeddings", "two position embedding lookups");
                if (padding.isPresent()) {
                    paddingIdx = padding.getAsInt();
                } else {
                    checkAbsolutePositions(p);
                }
                positionTable = table(p);
            }
            sum = add.getOutput(0);
        }
        if (positionTable == null) throw fail("embeddings", "no position embedding lookup is added to the word embeddings");
        if (typeLookup != null && typeTable == null) throw fail("embeddings", "the token_type_ids lookup is not added to the word embeddings");
        ImportedEncoder.Family family = paddingIdx >= 0 ? ImportedEncoder.Family.ROBERTA
                : typeTable == null ? ImportedEncoder.Family.DISTILBERT : ImportedEncoder.Family.BERT;
        if (family == ImportedEncoder.Family.BERT && typeLookup == null) {
            throw fail("embeddings", "token type embeddings with absolute positions but no token_type_ids input (inputs: " + g.inputNames() + ")");
        }
        placeTable("embeddings.position_embeddings.weight", positionTable);
        requireWidth("embeddings", positionTable.weight(), hidden);
        if (typeTable != null) {
            placeTable("embeddings.token_type_embeddings.weight", typeTable);
            requireWidth("embeddings", typeTable.weight(), hidden);
        }
        Norm norm = norm(sum, "embeddings");
        placeNorm("embeddings.LayerNorm", norm);
        return new Embeddings(family, vocab, hidden, (int) OnnxGraph.dims(positionTable.weight())[0],
                typeTable == null ? 0 : (int) OnnxGraph.dims(typeTable.weight())[0], paddingIdx, norm);
    }

    /**
     * RoBERTa's create_position_ids_from_input_ids as exported: mask = Cast(Not(Equal(input_ids,
     * pad))), positions = Cast(CumSum(mask, 1) · mask) + pad. Returns pad, or empty when
     * {@code indices} is computed any other way.
     */
    private OptionalInt paddingPositions(String indices) throws OnnxFormatException {
        NodeProto add = producerThroughCasts(indices);
        if (add == null || !add.getOpType().equals("Add")) return OptionalInt.empty();
        int c = g.constantValues(add.getInput(1)).isPresent() ? 1 : 0;
        Optional<double[]> pad = g.constantValues(add.getInput(c));
        NodeProto mul = producerThroughCasts(add.getInput(1 - c));
        if (pad.isEmpty() || pad.get().length != 1 || mul == null || !mul.getOpType().equals("Mul")) return OptionalInt.empty();
        for (int i = 0; i < 2; i++) {
            NodeProto cumsum = producerThroughCasts(mul.getInput(i));
            if (cumsum == null || !cumsum.getOpType().equals("CumSum")) continue;
            Optional<double[]> axis = g.constantValues(cumsum.getInput(1));
            NodeProto not = producerThroughCasts(cumsum.getInput(0));
            if (axis.isEmpty() || axis.get()[0] != 1 || not == null || !not.equals(producerThroughCasts(mul.getInput(1 - i)))
                    || !not.getOpType().equals("Not")) {
                return OptionalInt.empty();
            }
            NodeProto eq = g.producer(not.getInput(0));
            if (eq == null || !eq.getOpType().equals("Equal")) return OptionalInt.empty();
            int k = g.constantValues(eq.getInput(1)).isPresent() ? 1 : 0;
            Optional<double[]> compared = g.constantValues(eq.getInput(k));
            NodeProto idsCast = g.producer(eq.getInput(1 - k));
            boolean readsIds = eq.getInput(1 - k).equals("input_ids") || idsCast != null && idsCast.getOpType().equals("Cast")
                    && idsCast.getInput(0).equals("input_ids");
            if (!readsIds || compared.isEmpty() || compared.get().length != 1 || compared.get()[0] != pad.get()[0]) {
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) pad.get()[0]);
        }
        return OptionalInt.empty();
    }

    /** The node computing {@code value}, looking through Casts; null for a graph input or initializer. */
    private NodeProto producerThroughCasts(String value) {
        NodeProto p = g.producer(value);
        while (p != null && p.getOpType().equals("Cast")) p = g.producer(p.getInput(0));
        return p;
    }

    /**
     * Whether {@code value} depends on the graph inputs only through their shapes: RoBERTa's
     * token_type_ids buffer sliced to the input's length. Read from a one-row table, such indices
     * can only be 0.
     */
    private boolean onlyShapesOfInputs(String value) {
        Deque<String> todo = new ArrayDeque<>(List.of(value));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (!seen.add(v) || g.isInitializer(v)) continue;
            NodeProto p = g.producer(v);
            if (p == null) return false;
            if (SHAPE_OPS.contains(p.getOpType())) continue;
            for (String in : p.getInputList()) if (!in.isEmpty()) todo.push(in);
        }
        return true;
    }

    /**
     * ONNX Runtime's EmbedLayerNormalization: word, segment (token type) and position lookups, their
     * sum and its LayerNorm in one node. Without a position_ids input its positions are 0..n-1, BERT's.
     */
    private Embeddings fusedEmbeddings(NodeProto e) throws OnnxFormatException {
        String where = "embeddings (" + e.getName() + ")";
        if (e.getInputCount() < 7) throw fail(where, "EmbedLayerNormalization with " + e.getInputCount() + " inputs, expected at least 7");
        if (!g.inputNames().contains("token_type_ids") || readerThroughCasts("token_type_ids", "EmbedLayerNormalization", 1) != e
                || e.getInput(4).isEmpty()) {
            throw fail(where, "EmbedLayerNormalization does not read token_type_ids as its segment ids; only BERT-family graphs with token type embeddings are supported");
        }
        if (e.getInputCount() > 8 && !e.getInput(8).isEmpty()) {
            throw fail(where, "EmbedLayerNormalization takes position ids " + e.getInput(8) + "; only BERT's absolute positions 0..n-1 are supported");
        }
        if (e.getOutputCount() > 2 && !e.getOutput(2).isEmpty() && !g.consumers(e.getOutput(2)).isEmpty()) {
            throw fail(where, "EmbedLayerNormalization's embedding sum " + e.getOutput(2) + " is read");
        }
        TensorProto word = initializer(e.getInput(2), where), position = initializer(e.getInput(3), where), type = initializer(e.getInput(4), where);
        for (TensorProto t : List.of(word, position, type)) {
            if (OnnxGraph.dims(t).length != 2) throw fail(where, "embedding table " + t.getName() + " is not 2-D");
        }
        int hidden = (int) OnnxGraph.dims(word)[1];
        requireWidth("embeddings", type, hidden);
        requireWidth("embeddings", position, hidden);
        place("embeddings.word_embeddings.weight", word, false);
        place("embeddings.token_type_embeddings.weight", type, false);
        place("embeddings.position_embeddings.weight", position, false);
        double eps = OnnxGraph.attribute(e, "epsilon").map(a -> (double) a.getF()).orElse(1e-12);
        Norm norm = new Norm(initializer(e.getInput(5), where), initializer(e.getInput(6), where), cleanFloat(eps), e.getOutput(0));
        placeNorm("embeddings.LayerNorm", norm);
        return new Embeddings(ImportedEncoder.Family.BERT, (int) OnnxGraph.dims(word)[0], hidden, (int) OnnxGraph.dims(position)[0],
                (int) OnnxGraph.dims(type)[0], -1, norm);
    }

    /** The {@code op} node taking {@code value}, possibly after Casts, as its input {@code index}; null if none. */
    private NodeProto readerThroughCasts(String value, String op, int index) {
        Deque<String> values = new ArrayDeque<>(List.of(value));
        while (!values.isEmpty()) {
            String v = values.pop();
            for (NodeProto n : g.consumers(v)) {
                if (n.getOpType().equals(op) && n.getInputCount() > index && n.getInput(index).equals(v)) return n;
                if (n.getOpType().equals("Cast")) values.push(n.getOutput(0));
            }
        }
        return null;
    }

    // ---- one encoder layer ----------------------------------------------------------------

    /** The layer reading {@code state}, its weights placed under encoder.layer.{@code index}; null when no layer reads it. */
    private Layer layer(String state, int index, int hidden) throws OnnxFormatException {
        String where = "layer " + index;
        String prefix = "encoder.layer." + index + ".";
        NodeProto fused = dataConsumers(state).stream().filter(n -> n.getOpType().equals("Attention")).findFirst().orElse(null);
        int heads;
        String merged;
        if (fused != null) {
            heads = fusedAttention(fused, state, prefix + "attention.self.", hidden, where);
            merged = fused.getOutput(0);
        } else {
            List<Linear> qkv = linearsReading(state);
            if (qkv.isEmpty()) return null;
            Attention attention = attention(qkv, state, hidden, where);
            NodeProto context = softmaxToContext(attention, where);
            placeLinear(prefix + "attention.self.query", attention.query(), hidden, hidden, where);
            placeLinear(prefix + "attention.self.key", attention.key(), hidden, hidden, where);
            placeLinear(prefix + "attention.self.value", attention.value(), hidden, hidden, where);
            heads = attention.heads();
            merged = mergedHeads(context, where);
        }
        Linear out = single(linearsReading(merged), where, "the attention output projection");
        placeLinear(prefix + "attention.output.dense", out, hidden, hidden, where);
        Norm attnNorm = addAndNorm(out.output(), state, where + " attention output");
        placeNorm(prefix + "attention.output.LayerNorm", attnNorm);

        // feed-forward: up → activation → down → residual → LayerNorm
        Linear up = single(linearsReading(attnNorm.output()), where, "the intermediate projection");
        int inner = up.outFeatures();
        placeLinear(prefix + "intermediate.dense", up, hidden, inner, where);
        String[] activation = new String[1];
        Linear down = activation(up, activation, where);
        placeLinear(prefix + "output.dense", down, inner, hidden, where);
        Norm outNorm = addAndNorm(down.output(), attnNorm.output(), where + " output");
        placeNorm(prefix + "output.LayerNorm", outNorm);
        return new Layer(heads, inner, activation[0], outNorm.output());
    }

    /**
     * ONNX Runtime's fused self-attention reading {@code state}: Q | K | V side by side in one
     * [hidden, 3·hidden] weight and one bias, heads merged on output, the mask as mask_index.
     * Places the three projections under {@code prefix}; returns the head count.
     */
    private int fusedAttention(NodeProto a, String state, String prefix, int hidden, String where) throws OnnxFormatException {
        where = where + " (" + a.getName() + ")";
        if (!a.getInput(0).equals(state)) throw fail(where, "Attention reads " + state + " as other than its input");
        long heads = OnnxGraph.attribute(a, "num_heads").map(AttributeProto::getI).orElse(0L);
        if (heads <= 0 || hidden % heads != 0) throw fail(where, "Attention num_heads " + heads + " does not divide hidden size " + hidden);
        for (String off : List.of("unidirectional", "do_rotary", "past_present_share_buffer")) {
            if (OnnxGraph.attribute(a, off).map(AttributeProto::getI).orElse(0L) != 0) throw fail(where, "Attention with " + off + " is not supported");
        }
        List<Long> sizes = OnnxGraph.attribute(a, "qkv_hidden_sizes").map(AttributeProto::getIntsList).orElse(List.of());
        if (!sizes.isEmpty() && !sizes.equals(List.of((long) hidden, (long) hidden, (long) hidden))) {
            throw fail(where, "Attention qkv_hidden_sizes " + sizes + " differ from the hidden size " + hidden);
        }
        double scale = OnnxGraph.attribute(a, "scale").map(x -> (double) x.getF()).orElse(0.0), expected = Math.sqrt(heads / (double) hidden);
        if (scale != 0 && Math.abs(scale - expected) > 1e-4 * expected) throw fail(where, "attention scale " + scale + " is not 1/√head_size = " + expected);
        for (int i = 4; i < a.getInputCount(); i++) {
            if (!a.getInput(i).isEmpty()) throw fail(where, "Attention input " + i + " (" + a.getInput(i) + "): past state or attention bias is not supported");
        }
        for (int i = 1; i < a.getOutputCount(); i++) {
            if (!g.consumers(a.getOutput(i)).isEmpty()) throw fail(where, "Attention's present state " + a.getOutput(i) + " is read");
        }
        TensorProto w = initializer(a.getInput(1), where), b = initializer(a.getInput(2), where);
        if (!java.util.Arrays.equals(OnnxGraph.dims(w), new long[] {hidden, 3L * hidden}) || !java.util.Arrays.equals(OnnxGraph.dims(b), new long[] {3L * hidden})) {
            throw fail(where, "Attention weight " + java.util.Arrays.toString(OnnxGraph.dims(w)) + " and bias " + java.util.Arrays.toString(OnnxGraph.dims(b))
                    + " are not [" + hidden + ", " + 3 * hidden + "] and [" + 3 * hidden + "]");
        }
        List<String> names = List.of("query", "key", "value");
        for (int i = 0; i < 3; i++) {
            place(new EncoderWeight(prefix + names.get(i) + ".weight", w, true, null, null, new EncoderWeight.Part(i, 3)));
            place(new EncoderWeight(prefix + names.get(i) + ".bias", b, false, null, null, new EncoderWeight.Part(i, 3)));
        }
        return (int) heads;
    }

    /** Tells query, key and value apart by where they meet, and checks the heads' layout against the hidden size. */
    private Attention attention(List<Linear> qkv, String state, int hidden, String where) throws OnnxFormatException {
        if (qkv.size() != 3) {
            throw fail(where, "expected 3 projections (query, key, value) reading " + state + ", found " + qkv.size());
        }
        Linear q = null, k = null, v = null;
        Trace[] traces = new Trace[3];
        for (int i = 0; i < 3; i++) traces[i] = traceToMatMul(qkv.get(i).output(), where);
        // The score MatMul is the one two projections meet in; the third feeds the context MatMul.
        for (int i = 0; i < 3; i++) {
            int meets = 0;
            for (int j = 0; j < 3; j++) if (traces[j].matmul().equals(traces[i].matmul())) meets++;
            if (meets == 2) {
                if (traces[i].operand() == 0) q = qkv.get(i); else k = qkv.get(i);
            } else if (traces[i].operand() == 1) {
                v = qkv.get(i);
            }
        }
        if (q == null || k == null || v == null) {
            throw fail(where, "could not tell query, key and value apart: the three projections reach "
                    + traces[0].matmul().getName() + ", " + traces[1].matmul().getName() + ", " + traces[2].matmul().getName());
        }
        Trace tq = traces[qkv.indexOf(q)], tk = traces[qkv.indexOf(k)], tv = traces[qkv.indexOf(v)];
        // Operand positions alone would accept Kᵀ·Q; the head layouts pin down which side is which.
        if (!tq.perm().equals(HEADS_FIRST) || !tk.perm().equals(KEYS_TRANSPOSED) || !tv.perm().equals(HEADS_FIRST)) {
            throw fail(where, "attention operands are laid out " + tq.perm() + " · " + tk.perm() + ", then · " + tv.perm()
                    + "; expected Q " + HEADS_FIRST + " · Kᵀ " + KEYS_TRANSPOSED + ", then · V " + HEADS_FIRST);
        }
        int[] split = headSplit(tk.reshapes(), where);
        if (split[0] * split[1] != hidden) {
            throw fail(where, "heads " + split[0] + " × head size " + split[1] + " ≠ hidden size " + hidden);
        }
        return new Attention(q, k, v, split[0], split[1], tq, tk, tv);
    }

    /** Follows scores → scale → mask → softmax to the context MatMul, checking the scale is 1/√head_size. */
    private NodeProto softmaxToContext(Attention a, String where) throws OnnxFormatException {
        NodeProto scores = a.queryTrace().matmul();
        double scale = a.queryTrace().scale() * a.keyTrace().scale() * alpha(scores);
        String x = scores.getOutput(0);
        boolean softmax = false;
        NodeProto context;
        while (true) {
            NodeProto n = single(dataConsumers(x), where, "the attention scores at " + x);
            if (n.getOpType().equals("MatMul") || n.getOpType().equals("FusedMatMul")) {
                context = n;
                break;
            }
            switch (n.getOpType()) {
                case "Div" -> scale /= scalar(n.getInput(1), where);
                case "Mul" -> scale *= scalar(otherInput(n, x), where);
                case "Softmax" -> softmax = true;
                case "Add", "Cast", "Where" -> { /* the attention mask */ }
                default -> throw fail(where, "unexpected " + n.getOpType() + " (" + n.getName() + ") between attention scores and context");
            }
            x = n.getOutput(0);
        }
        if (!softmax || !context.equals(a.valueTrace().matmul()) || !context.getInput(0).equals(x) || transposed(context, 0, where)) {
            throw fail(where, "attention probabilities do not reach the value MatMul " + a.valueTrace().matmul().getName());
        }
        if (alpha(context) != 1) throw fail(where, "the context product " + context.getName() + " scales by " + alpha(context));
        double expected = 1 / Math.sqrt(a.headSize());
        if (Math.abs(scale - expected) > 1e-4 * expected) {
            throw fail(where, "attention scale " + scale + " is not 1/√head_size = " + expected);
        }
        return context;
    }

    /** Merges the heads back (transposes and reshapes only): the value the attention's output projection reads. */
    private String mergedHeads(NodeProto context, String where) throws OnnxFormatException {
        String merged = context.getOutput(0);
        List<Long> order = HEADS_FIRST;
        while (linearsReading(merged).isEmpty()) {
            NodeProto n = single(dataConsumers(merged), where, "the attention context at " + merged);
            if (n.getOpType().equals("Transpose")) {
                order = compose(order, n, where);
            } else if (!n.getOpType().equals("Reshape")) {
                throw fail(where, "unexpected " + n.getOpType() + " (" + n.getName() + ") merging attention heads");
            }
            merged = n.getOutput(0);
        }
        if (!order.equals(List.of(0L, 1L, 2L, 3L))) {
            throw fail(where, "attention heads are merged from axis order " + order + ", not [batch, tokens, heads, head]");
        }
        return merged;
    }

    /**
     * BERT's pooler, tanh(dense(h[:, 0])), when the export keeps it as a second output: its weights go
     * under pooler.dense (BertModel loads them; sentence embeddings do not use them). Any other
     * reader of the last hidden state is a branch the import would silently drop, so it fails.
     */
    private void pooler(String state, int hidden) throws OnnxFormatException {
        for (NodeProto n : dataConsumers(state)) {
            String where = "pooler (" + n.getName() + ")";
            if (!n.getOpType().equals("Gather") || !n.getInput(0).equals(state)
                    || OnnxGraph.attribute(n, "axis").map(AttributeProto::getI).orElse(0L) != 1 || scalar(n.getInput(1), where) != 0) {
                throw fail(where, describe(n) + " reads the last hidden state; only the pooler branch tanh(dense(h[:, 0])) may");
            }
            Linear dense = single(linearsReading(n.getOutput(0)), where, "the pooler's first token");
            NodeProto tanh = single(dataConsumers(dense.output()), where, "the pooler dense output");
            if (!tanh.getOpType().equals("Tanh")) throw fail(where, "expected Tanh after the pooler dense, found " + describe(tanh));
            if (!g.outputNames().contains(tanh.getOutput(0)) || !dataConsumers(tanh.getOutput(0)).isEmpty()) {
                throw fail(where, "the pooler output " + tanh.getOutput(0) + " is not only a graph output");
            }
            placeLinear("pooler.dense", dense, hidden, hidden, where);
        }
    }

    // ---- pattern pieces ---------------------------------------------------------------------

    private String requireInput(String name) throws OnnxFormatException {
        if (!g.inputNames().contains(name)) {
            throw fail("inputs", "no graph input " + name + " (inputs: " + g.inputNames() + ")");
        }
        return name;
    }

    /** The Gather that looks up {@code ids} (possibly after a Cast) in an embedding table. */
    private NodeProto embeddingLookup(String ids, String what) throws OnnxFormatException {
        Deque<String> values = new ArrayDeque<>(List.of(ids));
        while (!values.isEmpty()) {
            String v = values.pop();
            for (NodeProto n : g.consumers(v)) {
                if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && n.getInput(1).equals(v)
                        && g.isInitializer(n.getInput(0))) {
                    return n;
                }
                if (n.getOpType().equals("Cast")) values.push(n.getOutput(0));
            }
        }
        throw fail("embeddings", "no embedding lookup (Gather on an initializer) reads " + what);
    }

    /**
     * The table a lookup reads: a 2-D float initializer, or an 8-bit one whose rows ONNX Runtime's
     * quantizer dequantizes after the Gather (DequantizeLinear with one scale and zero point).
     */
    private Table table(NodeProto gather) throws OnnxFormatException {
        TensorProto t = g.initializers().get(gather.getInput(0));
        if (OnnxGraph.attribute(gather, "axis").map(AttributeProto::getI).orElse(0L) != 0) {
            throw fail("embeddings", "lookup " + gather.getName() + " gathers along an axis other than 0");
        }
        boolean isFloat = t.getDataType() == TensorProto.DataType.FLOAT_VALUE || t.getDataType() == TensorProto.DataType.FLOAT16_VALUE;
        if (OnnxGraph.dims(t).length != 2 || !isFloat && !isEightBit(t)) {
            throw fail("embeddings", "embedding table " + t.getName() + " is not a 2-D float or 8-bit tensor");
        }
        if (isFloat) return new Table(gather, t, null, null, gather.getOutput(0));
        NodeProto dq = single(dataConsumers(gather.getOutput(0)), "embeddings", "the 8-bit lookup " + gather.getName());
        if (!dq.getOpType().equals("DequantizeLinear") || dq.getInputCount() < 2) {
            throw fail("embeddings", "the 8-bit table " + t.getName() + " is read by " + describe(dq) + ", not a DequantizeLinear");
        }
        TensorProto scale = initializer(dq.getInput(1), "embeddings");
        TensorProto zeroPoint = dq.getInputCount() > 2 && !dq.getInput(2).isEmpty() ? initializer(dq.getInput(2), "embeddings") : null;
        if (numel(scale) != 1 || zeroPoint != null && numel(zeroPoint) != 1) {
            throw fail("embeddings", "the 8-bit table " + t.getName() + " is dequantized per axis; only one scale and zero point per table is supported");
        }
        return new Table(gather, t, scale, zeroPoint, dq.getOutput(0));
    }

    private static boolean isEightBit(TensorProto t) {
        return t.getDataType() == TensorProto.DataType.INT8_VALUE || t.getDataType() == TensorProto.DataType.UINT8_VALUE;
    }

    private void requireWidth(String where, TensorProto t, int hidden) throws OnnxFormatException {
        if (OnnxGraph.dims(t)[1] != hidden) {
            throw fail(where, t.getName() + " has width " + OnnxGraph.dims(t)[1] + ", the word embeddings " + hidden);
        }
    }

    /**
     * BERT's and DistilBERT's absolute positions are 0..n-1: the exporter slices a constant arange.
     * Positions computed any other way than this or RoBERTa's ({@link #paddingPositions}) would
     * silently shift tokens, so they are refused.
     */
    private void checkAbsolutePositions(NodeProto gather) throws OnnxFormatException {
        String indices = gather.getInput(1);
        NodeProto p = g.producer(indices);
        String data = indices;
        if (p != null && p.getOpType().equals("Slice")) {
            data = p.getInput(0);
            double start = p.getInputCount() > 1 ? g.constantValues(p.getInput(1)).map(a -> a[0]).orElse(Double.NaN) : 0;
            double step = p.getInputCount() > 4 ? g.constantValues(p.getInput(4)).map(a -> a[0]).orElse(Double.NaN) : 1;
            if (start != 0 || step != 1) throw fail("embeddings", "position ids slice starts at " + start + " with step " + step);
        }
        Optional<double[]> values = g.constantValues(data);
        if (values.isEmpty()) {
            throw fail("embeddings", "lookup " + gather.getName() + " in " + gather.getInput(0) + " reads indices computed by "
                    + describe(g.producer(data)) + "; supported: token_type_ids, absolute positions (a constant 0..n-1),"
                    + " positions from the padding id (RoBERTa), and a one-row token type table's index 0");
        }
        double[] v = values.get();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != i) throw fail("embeddings", "position ids are not 0..n-1 (element " + i + " is " + v[i] + ")");
        }
    }

    /** LayerNorm over the last axis starting at {@code x}: the fused op or PyTorch's decomposition. */
    private Norm norm(String x, String where) throws OnnxFormatException {
        for (NodeProto n : dataConsumers(x)) {
            if (n.getOpType().equals("LayerNormalization") && n.getInput(0).equals(x)) {
                long axis = OnnxGraph.attribute(n, "axis").map(AttributeProto::getI).orElse(-1L);
                if (axis != -1 && axis != 2) throw fail(where, "LayerNormalization over axis " + axis);
                double eps = OnnxGraph.attribute(n, "epsilon").map(a -> (double) a.getF()).orElse(1e-5);
                if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) throw fail(where, "LayerNormalization without bias");
                return new Norm(initializer(n.getInput(1), where), initializer(n.getInput(2), where), cleanFloat(eps), n.getOutput(0));
            }
        }
        // mean = ReduceMean(x); d = x - mean; var = ReduceMean(d^2); y = d / sqrt(var + eps) * gamma + beta
        NodeProto mean = opReading(x, "ReduceMean", where, "LayerNorm mean");
        NodeProto sub = opReading(mean.getOutput(0), "Sub", where, "LayerNorm centring");
        if (!sub.getInput(0).equals(x)) throw fail(where, "LayerNorm centring " + sub.getName() + " does not subtract the mean from its input");
        String d = sub.getOutput(0);
        NodeProto pow = opReading(d, "Pow", where, "LayerNorm square");
        if (scalar(pow.getInput(1), where) != 2) throw fail(where, "LayerNorm square " + pow.getName() + " is not a power of 2");
        NodeProto var = opReading(pow.getOutput(0), "ReduceMean", where, "LayerNorm variance");
        NodeProto addEps = opReading(var.getOutput(0), "Add", where, "LayerNorm epsilon");
        double eps = scalar(otherInput(addEps, var.getOutput(0)), where);
        NodeProto sqrt = opReading(addEps.getOutput(0), "Sqrt", where, "LayerNorm square root");
        NodeProto div = opReading(sqrt.getOutput(0), "Div", where, "LayerNorm division");
        if (!div.getInput(0).equals(d)) throw fail(where, "LayerNorm division " + div.getName() + " does not divide the centred input");
        NodeProto mul = opReading(div.getOutput(0), "Mul", where, "LayerNorm scale");
        NodeProto add = opReading(mul.getOutput(0), "Add", where, "LayerNorm shift");
        return new Norm(initializer(otherInput(mul, div.getOutput(0)), where),
                initializer(otherInput(add, mul.getOutput(0)), where), cleanFloat(eps), add.getOutput(0));
    }

    /**
     * Linear layers whose input is {@code x}: MatMul by a 2-D initializer plus a bias Add, a Gemm, or
     * ONNX Runtime's dynamic quantization of one: DynamicQuantizeLinear(x) → MatMulInteger by an 8-bit
     * initializer → Cast to float → Mul by (activation scale × weight scale) → bias Add.
     */
    private List<Linear> linearsReading(String x) throws OnnxFormatException {
        List<Linear> out = new ArrayList<>();
        for (NodeProto n : dataConsumers(x)) {
            if (n.getOpType().equals("MatMul") && n.getInput(0).equals(x) && isMatrix(n.getInput(1))) {
                out.add(withBias(n, g.initializers().get(n.getInput(1)), null, null, n.getOutput(0)));
            } else if (n.getOpType().equals("Gemm") && n.getInput(0).equals(x) && isMatrix(n.getInput(1))) {
                out.add(gemm(n));
            } else if (n.getOpType().equals("DynamicQuantizeLinear") && n.getInput(0).equals(x)) {
                for (NodeProto m : g.consumers(n.getOutput(0))) {
                    if (m.getOpType().equals("MatMulInteger") && m.getInput(0).equals(n.getOutput(0)) && isMatrix(m.getInput(1))) {
                        out.add(quantizedLinear(n, m));
                    }
                }
            }
        }
        return out;
    }

    /** Gemm: y = α·A·B' + β·C, a linear layer when α = β = 1, A untransposed, and C the bias. */
    private Linear gemm(NodeProto n) throws OnnxFormatException {
        String where = "linear " + n.getName();
        float alpha = OnnxGraph.attribute(n, "alpha").map(AttributeProto::getF).orElse(1f);
        float beta = OnnxGraph.attribute(n, "beta").map(AttributeProto::getF).orElse(1f);
        long transA = OnnxGraph.attribute(n, "transA").map(AttributeProto::getI).orElse(0L);
        if (alpha != 1 || beta != 1 || transA != 0) {
            throw fail(where, "Gemm with alpha " + alpha + ", beta " + beta + ", transA " + transA + " is not a plain linear layer");
        }
        if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) throw fail(where, "Gemm without a bias");
        boolean outMajor = OnnxGraph.attribute(n, "transB").map(AttributeProto::getI).orElse(0L) != 0;
        return new Linear(n, g.initializers().get(n.getInput(1)), outMajor, null, null, initializer(n.getInput(2), where), n.getOutput(0), null);
    }

    /** The rest of a dynamically quantized linear layer, from its MatMulInteger {@code mm} on quantized input {@code dq}. */
    private Linear quantizedLinear(NodeProto dq, NodeProto mm) throws OnnxFormatException {
        String where = "linear " + mm.getName();
        TensorProto w = g.initializers().get(mm.getInput(1));
        if (!isEightBit(w)) throw fail(where, "MatMulInteger weight " + w.getName() + " is not INT8 or UINT8");
        if (mm.getInputCount() < 3 || !mm.getInput(2).equals(dq.getOutput(2))) {
            throw fail(where, "MatMulInteger does not take the zero point its DynamicQuantizeLinear computed");
        }
        TensorProto zeroPoint = mm.getInputCount() > 3 && !mm.getInput(3).isEmpty() ? initializer(mm.getInput(3), where) : null;
        NodeProto cast = opReading(mm.getOutput(0), "Cast", where, "the integer product's conversion to float");
        NodeProto rescale = opReading(cast.getOutput(0), "Mul", where, "the integer product's rescale");
        NodeProto scales = g.producer(otherInput(rescale, cast.getOutput(0)));
        if (scales == null || !scales.getOpType().equals("Mul") || !scales.getInputList().contains(dq.getOutput(1))) {
            throw fail(where, "the rescale " + rescale.getName() + " is not by the activation scale times the weight scale");
        }
        TensorProto scale = initializer(otherInput(scales, dq.getOutput(1)), where);
        long out = OnnxGraph.dims(w)[1];
        for (TensorProto t : zeroPoint == null ? List.of(scale) : List.of(scale, zeroPoint)) {
            if (numel(t) != 1 && numel(t) != out) {
                throw fail(where, t.getName() + " has " + numel(t) + " elements; weight scales and zero points are per tensor or per output (" + out + ")");
            }
        }
        Linear l = withBias(mm, w, scale, zeroPoint, rescale.getOutput(0));
        return new Linear(dq, l.weight(), false, l.scale(), l.zeroPoint(), l.bias(), l.output(), l.activation());
    }

    /**
     * The bias after a product node: an Add, ONNX Runtime's BiasGelu (bias and activation in one), or
     * the bias input of the SkipLayerNormalization the product feeds (then the output stays the
     * product, and {@link #addAndNorm} finds the SkipLayerNormalization).
     */
    private Linear withBias(NodeProto product, TensorProto w, TensorProto scale, TensorProto zeroPoint, String x) throws OnnxFormatException {
        String where = "linear " + product.getName();
        NodeProto next = single(dataConsumers(x), where, "its bias");
        return switch (next.getOpType()) {
            case "Add" -> new Linear(product, w, false, scale, zeroPoint, initializer(otherInput(next, x), where), next.getOutput(0), null);
            case "BiasGelu" -> {
                if (!next.getInput(0).equals(x)) throw fail(where, "BiasGelu " + next.getName() + " takes the product as its bias");
                yield new Linear(product, w, false, scale, zeroPoint, initializer(next.getInput(1), where), next.getOutput(0), "gelu");
            }
            case "SkipLayerNormalization" -> {
                if (next.getInputCount() < 5 || next.getInput(4).isEmpty()) {
                    throw fail(where, "SkipLayerNormalization " + next.getName() + " reads the product without a bias");
                }
                yield new Linear(product, w, false, scale, zeroPoint, initializer(next.getInput(4), where), x, null);
            }
            case "FastGelu" -> throw fail(where, "FastGelu " + next.getName() + " (tanh-approximated GELU) is not supported; supported: exact (erf) GELU");
            default -> throw fail(where, "expected a bias Add, found " + describe(next));
        };
    }

    private boolean isMatrix(String name) {
        TensorProto t = g.initializers().get(name);
        return t != null && OnnxGraph.dims(t).length == 2;
    }

    /** Follows a projection output through head split (Reshape/Transpose) and scalar scales to a MatMul. */
    private Trace traceToMatMul(String x, String where) throws OnnxFormatException {
        double scale = 1;
        List<NodeProto> reshapes = new ArrayList<>();
        List<Long> perm = List.of(0L, 1L, 2L, 3L);
        while (true) {
            NodeProto n = single(dataConsumers(x), where, "the projection output " + x);
            switch (n.getOpType()) {
                case "MatMul", "FusedMatMul" -> {
                    int operand = n.getInput(0).equals(x) ? 0 : 1;
                    if (transposed(n, operand, where)) perm = List.of(perm.get(0), perm.get(1), perm.get(3), perm.get(2));
                    return new Trace(n, operand, scale, reshapes, perm);
                }
                case "Reshape" -> reshapes.add(n);
                case "Transpose" -> perm = compose(perm, n, where);
                case "Div" -> scale /= scalar(n.getInput(1), where);
                case "Mul" -> scale *= scalar(otherInput(n, x), where);
                default -> throw fail(where, "unexpected " + n.getOpType() + " (" + n.getName() + ") after a query/key/value projection");
            }
            x = n.getOutput(0);
        }
    }

    /**
     * Whether MatMul-like {@code n} transposes the last two axes of its {@code operand}: ONNX
     * Runtime's FusedMatMul (transA / transB) may take the key untransposed. Batch-axis transposes
     * (transBatchA / transBatchB) are refused.
     */
    private boolean transposed(NodeProto n, int operand, String where) throws OnnxFormatException {
        if (n.getOpType().equals("MatMul")) return false;
        for (String batch : List.of("transBatchA", "transBatchB")) {
            if (OnnxGraph.attribute(n, batch).map(AttributeProto::getI).orElse(0L) != 0) {
                throw fail(where, "FusedMatMul " + n.getName() + " with " + batch + " is not supported");
            }
        }
        return OnnxGraph.attribute(n, operand == 0 ? "transA" : "transB").map(AttributeProto::getI).orElse(0L) != 0;
    }

    /** The factor a MatMul-like node multiplies its product by: FusedMatMul's alpha, else 1. */
    private static double alpha(NodeProto n) {
        return n.getOpType().equals("FusedMatMul") ? OnnxGraph.attribute(n, "alpha").map(a -> (double) a.getF()).orElse(1.0) : 1;
    }

    /** The axis order after applying Transpose {@code n} to a tensor already in order {@code perm}. */
    private List<Long> compose(List<Long> perm, NodeProto n, String where) throws OnnxFormatException {
        List<Long> p = OnnxGraph.attribute(n, "perm").map(AttributeProto::getIntsList)
                .orElseThrow(() -> fail(where, "Transpose " + n.getName() + " without perm"));
        if (p.size() != perm.size()) throw fail(where, "Transpose " + n.getName() + " of rank " + p.size() + " on split heads");
        List<Long> out = new ArrayList<>();
        for (long axis : p) out.add(perm.get((int) axis));
        return out;
    }

    /** Heads and head size: the last two entries of the target shape of the Reshape that splits heads. */
    private int[] headSplit(List<NodeProto> reshapes, String where) throws OnnxFormatException {
        if (reshapes.size() != 1) throw fail(where, "expected one Reshape splitting the key into heads, found " + reshapes.size());
        String shape = reshapes.getFirst().getInput(1);
        Optional<double[]> direct = g.constantValues(shape);
        double[] tail;
        if (direct.isPresent() && direct.get().length >= 2) {
            double[] s = direct.get();
            tail = new double[] {s[s.length - 2], s[s.length - 1]};
        } else {
            NodeProto concat = g.producer(shape);
            if (concat == null || !concat.getOpType().equals("Concat") || concat.getInputCount() < 2) {
                throw fail(where, "the head-splitting Reshape's shape comes from " + describe(concat) + ", not a constant or Concat");
            }
            int n = concat.getInputCount();
            tail = new double[] {scalar(concat.getInput(n - 2), where), scalar(concat.getInput(n - 1), where)};
        }
        if (tail[0] <= 0 || tail[1] <= 0) throw fail(where, "head split shape ends in " + tail[0] + ", " + tail[1]);
        return new int[] {(int) tail[0], (int) tail[1]};
    }

    /**
     * Residual and LayerNorm after a block whose output is {@code x}: ONNX Runtime's
     * SkipLayerNormalization of {@code x} and {@code skip} (its bias input, if any, belongs to the
     * linear that computed {@code x}), else an Add then a LayerNorm.
     */
    private Norm addAndNorm(String x, String skip, String where) throws OnnxFormatException {
        for (NodeProto n : dataConsumers(x)) {
            if (!n.getOpType().equals("SkipLayerNormalization")) continue;
            if (!java.util.Set.of(n.getInput(0), n.getInput(1)).equals(java.util.Set.of(x, skip))) {
                throw fail(where, "SkipLayerNormalization " + n.getName() + " does not add the block input " + skip + " to " + x);
            }
            if (n.getInputCount() < 4 || n.getInput(3).isEmpty()) throw fail(where, "SkipLayerNormalization " + n.getName() + " without beta");
            for (int i = 1; i < n.getOutputCount(); i++) {
                if (!g.consumers(n.getOutput(i)).isEmpty()) throw fail(where, "SkipLayerNormalization output " + n.getOutput(i) + " is read");
            }
            double eps = OnnxGraph.attribute(n, "epsilon").map(a -> (double) a.getF()).orElse(1e-12);
            return new Norm(initializer(n.getInput(2), where), initializer(n.getInput(3), where), cleanFloat(eps), n.getOutput(0));
        }
        return norm(residual(x, skip, where), where);
    }

    /** The residual Add of {@code x} and the block input {@code skip}. */
    private String residual(String x, String skip, String where) throws OnnxFormatException {
        NodeProto add = opReading(x, "Add", where, "residual connection");
        if (!otherInput(add, x).equals(skip)) throw fail(where, "residual " + add.getName() + " does not add the block input " + skip);
        return add.getOutput(0);
    }

    /**
     * The ops between the intermediate projection and the down projection decide the activation;
     * returns the down projection.
     */
    private Linear activation(Linear up, String[] name, String where) throws OnnxFormatException {
        String x = up.output();
        Set<String> inside = new HashSet<>(List.of(x));
        Set<String> ops = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(x));
        Set<NodeProto> seen = new LinkedHashSet<>();
        List<Linear> downs = new ArrayList<>();
        while (!todo.isEmpty()) {
            String v = todo.pop();
            List<Linear> ls = linearsReading(v);
            downs.addAll(ls);
            for (NodeProto n : dataConsumers(v)) {
                if (ls.stream().anyMatch(l -> l.entry().equals(n)) || !seen.add(n)) continue;
                ops.add(n.getOpType());
                inside.add(n.getOutput(0));
                todo.push(n.getOutput(0));
            }
        }
        for (NodeProto n : seen) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !inside.contains(in) && g.constant(in).isEmpty()) {
                    throw fail(where, "activation node " + n.getName() + " reads " + in + " from outside the activation");
                }
            }
        }
        if (downs.size() != 1) throw fail(where, "expected one down projection after the activation, found " + downs.size());
        if (ops.isEmpty() && up.activation() != null) {
            name[0] = up.activation();
        } else if (up.activation() != null) {
            throw fail(where, "ops " + ops + " follow the activation fused with the intermediate bias");
        } else if (ops.contains("Erf") && Set.of("Div", "Mul", "Erf", "Add").containsAll(ops)) {
            name[0] = "gelu";
        } else if (ops.equals(Set.of("Gelu"))) {
            NodeProto gelu = seen.iterator().next();
            String approx = OnnxGraph.attribute(gelu, "approximate").map(a -> a.getS().toStringUtf8()).orElse("none");
            if (!approx.equals("none")) throw fail(where, "Gelu with approximate=" + approx + " is not supported; supported: exact (erf) GELU");
            name[0] = "gelu";
        } else {
            throw fail(where, "activation made of " + ops + " is not supported; supported: exact (erf) GELU");
        }
        return downs.getFirst();
    }

    // ---- weights ------------------------------------------------------------------------------

    private void place(String hfName, TensorProto t, boolean transpose) throws OnnxFormatException {
        place(new EncoderWeight(hfName, t, transpose));
    }

    private void place(EncoderWeight w) throws OnnxFormatException {
        String part = w.part() == null ? "" : "#" + w.part().index();
        for (TensorProto t : new TensorProto[] {w.initializer(), w.scale(), w.zeroPoint()}) {
            if (t != null && !placed.add(t.getName() + part)) throw fail(w.hfName(), "initializer " + t.getName() + " is used for two weights");
        }
        weights.add(w);
    }

    private void placeLinear(String prefix, Linear l, int in, int out, String where) throws OnnxFormatException {
        if (l.inFeatures() != in || l.outFeatures() != out) {
            throw fail(where, prefix + " weight is " + l.inFeatures() + "→" + l.outFeatures() + ", expected " + in + "→" + out);
        }
        if (OnnxGraph.dims(l.bias()).length != 1 || OnnxGraph.dims(l.bias())[0] != out) {
            throw fail(where, prefix + " bias " + l.bias().getName() + " does not have " + out + " elements");
        }
        place(new EncoderWeight(prefix + ".weight", l.weight(), !l.outMajor(), l.scale(), l.zeroPoint(), null));
        place(prefix + ".bias", l.bias(), false);
    }

    private void placeTable(String hfName, Table t) throws OnnxFormatException {
        place(new EncoderWeight(hfName, t.weight(), false, t.scale(), t.zeroPoint(), null));
    }

    private void placeNorm(String prefix, Norm n) throws OnnxFormatException {
        place(prefix + ".weight", n.gamma(), false);
        place(prefix + ".bias", n.beta(), false);
    }

    /** Every float initializer must have found a place; a silently dropped weight would be a wrong model. */
    private void requireEverythingPlaced() throws OnnxFormatException {
        List<String> left = new ArrayList<>();
        for (TensorProto t : g.initializers().values()) {
            boolean isFloat = t.getDataType() == TensorProto.DataType.FLOAT_VALUE || t.getDataType() == TensorProto.DataType.FLOAT16_VALUE;
            if (isFloat && OnnxGraph.dims(t).length > 0 && !placed.contains(t.getName()) && !placed.contains(t.getName() + "#0") && numel(t) > 1) left.add(t.getName());
        }
        if (!left.isEmpty()) throw fail("weights", "initializers not part of the recognised BERT structure: " + left);
    }

    private static long numel(TensorProto t) {
        long n = 1;
        for (long d : OnnxGraph.dims(t)) n *= d;
        return n;
    }

    // ---- graph helpers ------------------------------------------------------------------------

    private List<NodeProto> dataConsumers(String value) {
        return g.consumers(value).stream().filter(n -> !SHAPE_OPS.contains(n.getOpType())).toList();
    }

    private NodeProto opReading(String x, String op, String where, String what) throws OnnxFormatException {
        for (NodeProto n : dataConsumers(x)) if (n.getOpType().equals(op)) return n;
        throw fail(where, "expected " + what + " (" + op + ") reading " + x + ", found "
                + dataConsumers(x).stream().map(NodeProto::getOpType).toList());
    }

    private static String otherInput(NodeProto n, String known) {
        return n.getInput(0).equals(known) ? n.getInput(1) : n.getInput(0);
    }

    private TensorProto initializer(String name, String where) throws OnnxFormatException {
        TensorProto t = g.initializers().get(name);
        if (t == null) throw fail(where, "expected a weight, but " + name + " is computed by " + describe(g.producer(name)));
        return t;
    }

    private double scalar(String value, String where) throws OnnxFormatException {
        Optional<double[]> v = g.constantValues(value);
        if (v.isEmpty() || v.get().length != 1) throw fail(where, "expected a scalar constant, got " + value);
        return v.get()[0];
    }

    /** A float attribute's value as written in the original config (1e-12 rather than 9.9999999e-13). */
    private static double cleanFloat(double value) {
        return Double.parseDouble(Float.toString((float) value));
    }

    private static <T> T single(List<T> items, String where, String what) throws OnnxFormatException {
        if (items.size() != 1) {
            throw new OnnxFormatException("unsupported graph at " + where + ": expected one consumer of " + what + ", found " + items.size());
        }
        return items.getFirst();
    }

    private static String describe(NodeProto n) {
        return n == null ? "a graph input" : n.getOpType() + " node " + n.getName();
    }

    private OnnxFormatException fail(String where, String message) {
        return new OnnxFormatException(g.source() + ": not a supported BERT graph at " + where + ": " + message);
    }
}
