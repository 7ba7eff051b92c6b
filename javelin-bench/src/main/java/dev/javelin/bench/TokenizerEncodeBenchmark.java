package dev.javelin.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code encode} with Javelin and with HF tokenizers (Rust, through DJL) on bge-small-en-v1.5's
 * {@code tokenizer.json}, single-threaded, one call per text as a Java caller makes them:
 * {@code sst2}, 1,000 SST-2 sentences per operation (the first 1,000 of
 * {@code ../shared/datasets/sst2/train.tsv} (or {@code ../../shared/...}), or of the file the
 * {@code javelin.sst2} property names);
 * {@code 1mb}, one 1 MB text truncated to 512 tokens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class TokenizerEncodeBenchmark {
    @Param({"javelin", "hf"})
    public String impl;

    @Param({"sst2", "1mb"})
    public String input;

    private List<String> texts;
    private Tokenizer javelin;
    private HuggingFaceTokenizer hf;

    @Setup(Level.Trial)
    public void load() throws IOException {
        String json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
            if (in == null) {
                throw new IOException("bge-small-en-v1.5-tokenizer.json is not on the class path");
            }
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> sentences = new ArrayList<>();
        Path tsv = Path.of(System.getProperty("javelin.sst2", "../shared/datasets/sst2/train.tsv"));
        if (!Files.exists(tsv) && System.getProperty("javelin.sst2") == null) {
            tsv = Path.of("../../shared/datasets/sst2/train.tsv");   // from a git worktree under /work/wt
        }
        List<String> lines = Files.readAllLines(tsv);
        for (String line : lines.subList(1, Math.min(lines.size(), 1001))) {
            sentences.add(line.substring(line.lastIndexOf('\t') + 1));
        }
        boolean mb = input.equals("1mb");
        if (mb) {
            StringBuilder sb = new StringBuilder(1 << 20);
            for (int i = 0; sb.length() < 1 << 20; i++) {
                sb.append(sentences.get(i % sentences.size())).append(' ');
            }
            texts = List.of(sb.toString());
        } else {
            texts = sentences;
        }
        javelin = Tokenizer.fromJson(json).withoutPadding().withTruncation(mb ? Truncation.of(512) : null);
        hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                mb ? Map.of("truncation", "true", "maxLength", "512", "padding", "false")
                        : Map.of("truncation", "false", "padding", "false"));
    }

    @TearDown(Level.Trial)
    public void close() {
        hf.close();
    }

    @Benchmark
    public void encode(Blackhole bh) {
        if (impl.equals("javelin")) {
            for (String t : texts) {
                Encoding e = javelin.encode(t);
                bh.consume(e.ids());
            }
        } else {
            for (String t : texts) {
                bh.consume(hf.encode(t).getIds());
            }
        }
    }
}
