package dev.javelin.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code javelin bench tokenizer}: encodes the same sentences single-threaded with Javelin and with
 * the Hugging Face tokenizers library (Rust, through DJL's JNI binding, one call per sentence as a
 * Java caller makes them) in one process, after a warm-up, and reports the median of several runs.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Encode N sentences single-threaded with Javelin and with HF tokenizers (DJL); medians.")
public final class TokenizerBenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "PATH",
            description = "tokenizer.json or a directory with one (default: bge-small-en-v1.5's, from its Maven jar).")
    Path model;

    @Option(names = "--data", paramLabel = "TSV",
            description = "Sentences: last column of a TSV with a header (default: ../shared/datasets/sst2/train.tsv "
                    + "if present, else generated).")
    Path data;

    @Option(names = "--sentences", defaultValue = "10000", description = "Sentences per run (default: ${DEFAULT-VALUE}).")
    int sentences;

    @Option(names = "--runs", defaultValue = "7", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up runs (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--load-runs", defaultValue = "7",
            description = "Times each side loads the tokenizer.json (from its text in memory) (default: ${DEFAULT-VALUE}).")
    int loadRuns;

    @Override
    public Integer call() throws Exception {
        String tokenizerJson = loadTokenizerJson();
        String source = describeAndLoad();
        List<String> texts = this.texts;
        Tokenizer javelin = Tokenizer.fromJson(tokenizerJson).withoutPadding().withoutTruncation();
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                new java.io.ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)),
                Map.of("truncation", "false", "padding", "false"))) {
            long tokens = checkSameIds(javelin, hf, texts);
            System.out.printf("tokenizer benchmark: %d sentences (%s), %d tokens, single thread, %d warm-up + %d runs%n",
                    texts.size(), source, tokens, warmup, runs);
            double[] jav = new double[runs];
            double[] ref = new double[runs];
            for (int w = 0; w < warmup; w++) {
                runJavelin(javelin, texts);
                runReference(hf, texts);
            }
            for (int r = 0; r < runs; r++) {
                // Alternate so that machine noise hits both alike.
                jav[r] = runJavelin(javelin, texts);
                ref[r] = runReference(hf, texts);
            }
            double mj = median(jav);
            double mr = median(ref);
            double[] load = loadTimes(tokenizerJson);
            System.out.printf("%-34s %12s %14s%n", "implementation", "median s", "sentences/s");
            System.out.printf("%-34s %12.4f %14.0f%n", "javelin (pure Java)", mj, texts.size() / mj);
            System.out.printf("%-34s %12.4f %14.0f%n", "hf tokenizers 0.21 (Rust via DJL)", mr, texts.size() / mr);
            System.out.printf("javelin / hf throughput ratio: %.2fx%n", mr / mj);
            System.out.printf("load tokenizer.json (%d chars, median of %d): javelin %.1f ms, hf %.1f ms%n",
                    tokenizerJson.length(), loadRuns, load[0] * 1e3, load[1] * 1e3);
            long fileBytes = tokenizerJson.getBytes(StandardCharsets.UTF_8).length;
            long[] heap = javelinHeap(tokenizerJson);
            System.out.printf("javelin heap: %.2f MB retained by the loaded tokenizer (%.1fx the %.2f MB file), "
                    + "%.1f MB allocated while loading%n", heap[0] / 1e6, heap[0] / (double) fileBytes, fileBytes / 1e6,
                    heap[1] / 1e6);
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("sentences", texts.size());
                out.put("source", source);
                out.put("tokens", tokens);
                out.put("results", List.of(
                        Map.of("impl", "javelin", "median_s", mj, "sentences_per_s", texts.size() / mj,
                                "runs_s", jav),
                        Map.of("impl", "hf-tokenizers-djl", "median_s", mr, "sentences_per_s", texts.size() / mr,
                                "runs_s", ref)));
                out.put("ratio", mr / mj);
                out.put("load_ms", Map.of("javelin", load[0] * 1e3, "hf-tokenizers-djl", load[1] * 1e3));
                out.put("javelin_heap_bytes", Map.of("retained", heap[0], "allocated_while_loading", heap[1],
                        "file", fileBytes));
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
            }
        }
        return 0;
    }

    private List<String> texts;

    private String describeAndLoad() throws IOException {
        Path tsv = data != null ? data : Path.of("..", "shared", "datasets", "sst2", "train.tsv");
        if (Files.isRegularFile(tsv)) {
            List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
            texts = new ArrayList<>(sentences);
            for (int i = 1; i < lines.size() && texts.size() < sentences; i++) {
                String line = lines.get(i);
                texts.add(line.substring(line.lastIndexOf('\t') + 1));
            }
            return tsv.normalize().toString();
        }
        if (data != null) {
            throw new IOException("no such file: " + data);
        }
        texts = generated(sentences);
        return "generated";
    }

    private static List<String> generated(int n) {
        String[] words = ("the film is a charming and often affecting journey of discovery but its story never "
                + "quite comes together , as the director 's earlier work showed . it 's funny , smart and "
                + "surprisingly moving ; an unbelievable , state-of-the-art performance - though overlong").split(" ");
        SplittableRandom r = new SplittableRandom(42);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 5 + r.nextInt(30);
            for (int w = 0; w < len; w++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            out.add(sb.toString().trim());
        }
        return out;
    }

    private String loadTokenizerJson() throws IOException {
        if (model != null) {
            Path file = Files.isDirectory(model) ? model.resolve("tokenizer.json") : model;
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
            if (in == null) {
                throw new IOException("bge-small-en-v1.5-tokenizer.json is not on the class path; pass --model");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long checkSameIds(Tokenizer javelin, HuggingFaceTokenizer hf, List<String> texts) {
        long tokens = 0;
        for (String t : texts) {
            int[] ours = javelin.encode(t).ids();
            long[] theirs = hf.encode(t).getIds();
            if (!Arrays.equals(Arrays.stream(ours).asLongStream().toArray(), theirs)) {
                throw new IllegalStateException("Javelin and HF tokenizers disagree on: " + t);
            }
            tokens += ours.length;
        }
        return tokens;
    }

    /** Median seconds to build each side's tokenizer from the JSON text, alternating. */
    private double[] loadTimes(String tokenizerJson) throws IOException {
        double[] jav = new double[loadRuns];
        double[] ref = new double[loadRuns];
        byte[] utf8 = tokenizerJson.getBytes(StandardCharsets.UTF_8);
        for (int r = 0; r < loadRuns; r++) {
            long t0 = System.nanoTime();
            sink += Tokenizer.fromJson(tokenizerJson).vocabSize();
            jav[r] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(utf8),
                    Map.of("truncation", "false", "padding", "false"))) {
                ref[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return new double[] {median(jav), median(ref)};
    }

    private static long sink;

    /**
     * Bytes of heap the loaded tokenizer keeps (used heap after a full collection, with and without it)
     * and bytes this thread allocated while loading it.
     */
    private static long[] javelinHeap(String tokenizerJson) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = usedAfterGc();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        Tokenizer kept = Tokenizer.fromJson(tokenizerJson);
        allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
        long after = usedAfterGc();
        java.lang.ref.Reference.reachabilityFence(kept);
        return new long[] {after - before, allocated};
    }

    private static long usedAfterGc() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double runJavelin(Tokenizer tokenizer, List<String> texts) {
        long t0 = System.nanoTime();
        long s = 0;
        for (String t : texts) {
            Encoding e = tokenizer.encode(t);
            s += e.length();
        }
        sink += s;
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double runReference(HuggingFaceTokenizer tokenizer, List<String> texts) {
        long t0 = System.nanoTime();
        long s = 0;
        for (String t : texts) {
            s += tokenizer.encode(t).getIds().length;
        }
        sink += s;
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
