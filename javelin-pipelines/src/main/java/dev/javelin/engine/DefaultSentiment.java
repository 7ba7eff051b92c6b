package dev.javelin.engine;

import dev.javelin.io.AtomicFile;
import dev.javelin.io.source.JavelinHome;
import dev.javelin.models.PeftLora;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The built-in sentiment model: a LoRA adapter (PEFT layout, SST-2, NEGATIVE/POSITIVE) over the
 * embedded all-MiniLM-L6-v2, whose {@code base_model_name_or_path} names the embedded default. It
 * ships as a resource and is copied once into the cache, since safetensors are read by mapping a
 * file. How it was made is in docs/training.md.
 */
final class DefaultSentiment {
    private static final String RESOURCE = "dev/javelin/pipelines/sentiment/";
    /** The adapter, and config.json: the base's with the labels, which adapter_config.json cannot name. */
    private static final List<String> FILES = List.of(PeftLora.WEIGHTS, PeftLora.CONFIG, "config.json");

    private DefaultSentiment() {}

    /** The adapter's directory in the cache, written on first use (the file named last marks it complete). */
    static Path directory() throws IOException {
        byte[][] contents = new byte[FILES.size()][];
        for (int i = 0; i < contents.length; i++) contents[i] = resource(FILES.get(i));
        Path dir = JavelinHome.cacheRoot().resolve("models").resolve("sentiment").resolve(contentHash(contents));
        if (!Files.isRegularFile(dir.resolve(FILES.getLast()))) {
            Files.createDirectories(dir);
            for (int i = 0; i < contents.length; i++) AtomicFile.write(dir.resolve(FILES.get(i)), contents[i]);
        }
        return dir;
    }

    /**
     * The cache key of the contents: CRC-32 and total length. A key, not a proof of integrity: it
     * tells this build's adapter from another build's. SHA-256 took ~50 ms of every start-up on the
     * model loader's critical path, running interpreted; CRC-32 runs natively in well under 1 ms.
     */
    private static String contentHash(byte[]... parts) {
        CRC32 crc = new CRC32();
        long length = 0;
        for (byte[] p : parts) {
            crc.update(p);
            length += p.length;
        }
        return HexFormat.of().toHexDigits((int) crc.getValue()) + HexFormat.of().toHexDigits((int) length);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DefaultSentiment.class.getResourceAsStream("/" + RESOURCE + name)) {
            if (in == null) throw new IOException("default sentiment model: resource " + RESOURCE + name + " is missing");
            return in.readAllBytes();
        }
    }
}
