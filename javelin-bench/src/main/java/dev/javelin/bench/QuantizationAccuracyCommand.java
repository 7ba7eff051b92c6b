package dev.javelin.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.Pooling;
import dev.javelin.models.WeightDType;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentenceTransformerModules;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How much int8 and bf16 weights change the embeddings of the real encoders: per sentence, the
 * cosine of the quantized embedding against F32 (mean and minimum), and how many of each query's 10
 * nearest neighbours (cosine, among all the sentences) stay the same. For reference, the same
 * figures for ONNX Runtime on the model's langchain4j {@code -q} export (int8 weights and dynamic
 * int8 activations) against ONNX Runtime on the F32 export, where that export is on the class path,
 * and for that export converted by {@code javelin convert} and run by Javelin (F32 activations, and
 * with {@code --dynamic-activations}), against ORT on the same file and against Javelin F32.
 */
@Command(name = "quantization", mixinStandardHelpOptions = true,
        description = "Accuracy of int8/bf16 weights vs F32 on real encoders: embedding cosine and top-10 neighbour overlap.")
public final class QuantizationAccuracyCommand implements Callable<Integer> {
    private static final Map<String, BundledModel> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("all-minilm-l6-v2", BundledModel.ALL_MINILM_L6_V2);
        MODELS.put("bge-small-en-v1.5", BundledModel.BGE_SMALL_EN_V15);
        MODELS.put("e5-small-v2", BundledModel.E5_SMALL_V2);
    }

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Sentences: a TSV with a header naming a sentence or text column (e.g. ../shared/datasets/sst2/train.tsv).")
    Path data;

    @Option(names = "--sentences", defaultValue = "2000", description = "Sentences, spread evenly over the file (default: ${DEFAULT-VALUE}).")
    int sentences;

    @Option(names = "--queries", defaultValue = "200", description = "Retrieval queries among them (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--models", split = ",", defaultValue = "all-minilm-l6-v2,bge-small-en-v1.5,e5-small-v2",
            description = "Bundled models (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Override
    public Integer call() throws Exception {
        List<String> texts = sample(Files.readAllLines(data), sentences);
        System.out.printf("quantization accuracy: %d sentences from %s, %d retrieval queries (top-10 among all %d)%n",
                texts.size(), data, Math.min(queries, texts.size()), texts.size());
        System.out.printf("%-18s  %-26s  %12s  %12s  %14s%n", "model", "compared", "mean cosine", "min cosine", "top-10 overlap");
        for (String name : models) {
            BundledModel bundled = MODELS.get(name);
            if (bundled == null) throw new IllegalArgumentException("unknown model " + name + "; choose from " + MODELS.keySet());
            float[][] f32;
            List<Encoding> encodings;
            Pooling pooling;
            try (Encoder enc = Encoder.load(bundled.directory(), bundled.modelId(), WeightDType.F32)) {
                encodings = texts.stream().map(t -> enc.tokenizer().encode(t)).toList();
                pooling = enc.info().pooling();
                f32 = embed(enc, encodings, pooling);
            }
            for (WeightDType d : new WeightDType[] {WeightDType.INT8, WeightDType.BF16}) {
                try (Encoder enc = Encoder.load(bundled.directory(), bundled.modelId(), d)) {
                    report(name, "javelin " + d.label() + " vs javelin f32", embed(enc, encodings, pooling), f32);
                }
            }
            String quantized = bundled.onnxResource().replace(".onnx", "-q.onnx");
            try (InputStream q = getClass().getClassLoader().getResourceAsStream(quantized)) {
                if (q == null) continue;
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                     InputStream f = bundled.open(bundled.onnxResource())) {
                    opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
                    byte[] qBytes = q.readAllBytes();
                    try (OrtSession ortQ = env.createSession(qBytes, opts); OrtSession ort = env.createSession(f.readAllBytes(), opts)) {
                        // one sentence per run: ORT's dynamic activation ranges then cover that sentence alone, as for a single request
                        float[][] ortF32 = ort(env, ort, encodings, pooling, 64), ortQ8 = ort(env, ortQ, encodings, pooling, 1);
                        report(name, "ORT -q vs ORT f32", ortQ8, ortF32);
                        report(name, "javelin f32 vs ORT f32", f32, ortF32);
                        float[][] imported = imported(bundled, quantized, qBytes, encodings, pooling, false);
                        report(name, "javelin imported -q vs ORT -q", imported, ortQ8);
                        report(name, "javelin imported -q vs javelin f32", imported, f32);
                        float[][] dynamic = imported(bundled, quantized, qBytes, encodings, pooling, true);
                        report(name, "imported -q dyn.act. vs ORT -q", dynamic, ortQ8);
                        report(name, "imported -q dyn.act. vs jav. f32", dynamic, f32);
                    }
                }
            }
        }
        return 0;
    }

    /**
     * {@code n} non-empty texts spread evenly over a TSV with a header: the column named sentence or
     * text (SST-2's is "label, sentence"), else the first.
     */
    static List<String> sample(List<String> lines, int n) {
        if (lines.isEmpty()) throw new IllegalArgumentException("the data file is empty");
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        int column = Math.max(0, header.indexOf("sentence") >= 0 ? header.indexOf("sentence") : header.indexOf("text"));
        List<String> texts = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            String text = column < cells.length ? cells[column].strip() : "";
            if (!text.isEmpty()) texts.add(text);
        }
        if (texts.size() < n) throw new IllegalArgumentException("the data has " + texts.size() + " texts; asked for " + n);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(texts.get((int) ((long) i * texts.size() / n)));
        return out;
    }

    private static float[][] embed(Encoder enc, List<Encoding> encodings, Pooling pooling) {
        float[][] out = new float[encodings.size()][];
        for (int i = 0; i < encodings.size(); i += 64) {
            float[][] part = enc.embed(encodings.subList(i, Math.min(encodings.size(), i + 64)), pooling);
            System.arraycopy(part, 0, out, i, part.length);
        }
        return out;
    }

    /**
     * The {@code -q} export converted by {@code javelin convert} (int8 weights taken over exactly,
     * activations F32) and run by Javelin one sentence at a time.
     */
    private static float[][] imported(BundledModel bundled, String resource, byte[] onnx, List<Encoding> encodings, Pooling pooling,
            boolean dynamicActivations) throws Exception {
        Path dir = Files.createTempDirectory("javelin-imported-q");
        try {
            OnnxGraph graph = OnnxGraph.read(new ByteArrayInputStream(onnx), resource);
            OnnxConverter.convert(graph, bundled.directory().resolve("tokenizer.json"), dir.resolve("model"),
                    SentenceTransformerModules.of(PoolingConfig.Mode.valueOf(pooling.name()), false), dynamicActivations);
            try (Encoder enc = Encoder.load(dir.resolve("model"), resource, WeightDType.F32)) {
                if (!enc.info().dtype().equals("int8")) throw new IllegalStateException(resource + " converted to " + enc.info().dtype() + ", not int8");
                float[][] out = new float[encodings.size()][];
                for (int i = 0; i < encodings.size(); i++) out[i] = enc.embed(encodings.subList(i, i + 1), pooling)[0];
                return out;
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    private static float[][] ort(OrtEnvironment env, OrtSession session, List<Encoding> encodings, Pooling pooling, int batch) throws Exception {
        float[][] out = new float[encodings.size()][];
        for (int i = 0; i < encodings.size(); i += batch) {
            float[][] part = EncoderBenchCommand.runOrt(env, session, encodings.subList(i, Math.min(encodings.size(), i + batch)), pooling);
            System.arraycopy(part, 0, out, i, part.length);
        }
        return out;
    }

    private void report(String model, String compared, float[][] x, float[][] reference) {
        double sum = 0, min = 1;
        for (int i = 0; i < x.length; i++) {
            double c = cosine(x[i], reference[i]);
            sum += c;
            min = Math.min(min, c);
        }
        System.out.printf("%-18s  %-26s  %12.6f  %12.6f  %13.1f%%%n", model, compared, sum / x.length, min,
                100 * topKOverlap(x, reference, Math.min(queries, x.length), 10));
    }

    /** Mean fraction of each query's k nearest neighbours (by cosine, itself excluded) that both embeddings agree on. */
    static double topKOverlap(float[][] x, float[][] reference, int queries, int k) {
        double total = 0;
        for (int q = 0; q < queries; q++) {
            int[] a = nearest(x, q, k), b = nearest(reference, q, k);
            int shared = 0;
            for (int i : a) if (Arrays.stream(b).anyMatch(j -> j == i)) shared++;
            total += (double) shared / k;
        }
        return total / queries;
    }

    private static int[] nearest(float[][] v, int q, int k) {
        Integer[] idx = new Integer[v.length];
        double[] sim = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
            sim[i] = i == q ? Double.NEGATIVE_INFINITY : cosine(v[q], v[i]);
        }
        Arrays.sort(idx, (i, j) -> Double.compare(sim[j], sim[i]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
