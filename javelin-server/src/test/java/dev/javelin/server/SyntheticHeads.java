package dev.javelin.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.engine.BundledModel;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * No real classifier or cross-encoder checkpoint is reachable here, so the tests serve the real
 * all-MiniLM-L6-v2 encoder with a BERT pooler and classification head of fixed-seed weights on top:
 * a real forward pass through every layer of the server, with labels and pairs, on synthetic head
 * weights. One label makes it a reranker (cross-encoder), several a classifier.
 */
final class SyntheticHeads {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private SyntheticHeads() {
    }

    /** A Hugging Face directory: the default encoder plus a head with these labels. */
    static Path create(Path into, List<String> labels, long seed) throws IOException {
        Path base = BundledModel.ALL_MINILM_L6_V2.directory();
        Files.createDirectories(into);
        try (Stream<Path> files = Files.list(base)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".safetensors")
                        && !f.getFileName().toString().equals("config.json")) {
                    Files.copy(f, into.resolve(f.getFileName()));
                }
            }
        }
        Path pooling = base.resolve("1_Pooling");
        if (Files.isDirectory(pooling)) {
            Files.createDirectories(into.resolve("1_Pooling"));
            try (Stream<Path> files = Files.list(pooling)) {
                for (Path f : files.toList()) {
                    Files.copy(f, into.resolve("1_Pooling").resolve(f.getFileName()));
                }
            }
        }
        ObjectNode config = (ObjectNode) MAPPER.readTree(base.resolve("config.json").toFile());
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        MAPPER.writeValue(into.resolve("config.json").toFile(), config);

        SplittableRandom random = new SplittableRandom(seed);
        try (SafeTensors weights = SafeTensors.open(base); Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new HashMap<>();
            for (String name : weights.names()) {
                tensors.put(name, weights.tensor(name));
            }
            int hidden = config.get("hidden_size").asInt();
            String prefix = weights.names().contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
            tensors.put(prefix + "pooler.dense.weight", Tensor.of(arena, gaussian(random, hidden * hidden, 0.05), hidden, hidden));
            tensors.put(prefix + "pooler.dense.bias", Tensor.of(arena, new float[hidden], hidden));
            tensors.put("classifier.weight", Tensor.of(arena, gaussian(random, labels.size() * hidden, 0.5), labels.size(), hidden));
            tensors.put("classifier.bias", Tensor.of(arena, gaussian(random, labels.size(), 0.1), labels.size()));
            SafeTensorsWriter.write(into.resolve(SafeTensors.SINGLE_FILE), tensors, Map.of("format", "pt"));
        }
        return into;
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller from two uniforms.
            double u = 1 - random.nextDouble();
            v[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return v;
    }
}
