package dev.javelin.train.embed;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Embeddings already computed, one safetensors file per (encoder, pooling, normalisation, texts) under a
 * cache directory, so training again with other hyper-parameters skips the encoder — by far the
 * slowest step. A damaged or mismatched file counts as a miss and is recomputed.
 */
public final class EmbeddingCache {

    private static final String TENSOR = "embeddings";

    private final Path directory;

    public EmbeddingCache(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** The cache key: a SHA-256 over the encoder identity, the feature settings and every input in order. */
    public static String key(String encoderIdentity, String features, List<String> texts, List<String> pairs) {
        MessageDigest sha = sha256();
        update(sha, encoderIdentity);
        update(sha, features);
        for (int i = 0; i < texts.size(); i++) {
            update(sha, texts.get(i));
            if (pairs != null) {
                update(sha, pairs.get(i));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The cached rows for {@code key}, or null when absent or not of the expected shape. */
    public float[][] load(String key, int rows, int dim) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (SafeTensors tensors = SafeTensors.open(file)) {
            Tensor t = tensors.tensor(TENSOR);
            int[] shape = t.shape();
            if (shape.length != 2 || shape[0] != rows || shape[1] != dim) {
                return null;
            }
            float[] flat = t.toArray();
            float[][] out = new float[rows][dim];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(flat, i * dim, out[i], 0, dim);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stores rows under {@code key} (atomically: readers never see a partial file). */
    public void store(String key, float[][] rows, Map<String, String> metadata) throws IOException {
        Files.createDirectories(directory);
        int dim = rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, dim)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
        }
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(file(key), Map.of(TENSOR, Tensor.of(arena, flat, rows.length, dim)), metadata);
        }
    }

    private Path file(String key) {
        return directory.resolve(key + ".safetensors");
    }

    private static void update(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
