package dev.javelin.io.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Downloads the files Javelin needs from one revision of a Hub model into the HF cache:
 * blobs named by ETag, resumed from {@code .incomplete} files with HTTP Range requests, LFS files
 * checked against their sha256, snapshot symlinks, and finally {@code refs/<revision>} — written
 * last, so an interrupted download is resumed, never mistaken for a complete snapshot.
 */
final class SnapshotDownloader {

    /** sentence-transformers module directories: {@code 1_Pooling/config.json} and the like. */
    private static final Pattern MODULE_FILE = Pattern.compile("\\d+_[^/]+/[^/]+\\.json");
    private static final int BUFFER = 1 << 16;
    private static final System.Logger LOG = System.getLogger(SnapshotDownloader.class.getName());

    private final HfCache cache;
    private final HubClient hub;
    private final PrintStream progress;
    private final Duration stallTimeout;

    /** @param progress where progress bars go (a terminal), or null for one log line per file instead */
    SnapshotDownloader(HfCache cache, HubClient hub, PrintStream progress, Duration stallTimeout) {
        this.cache = cache;
        this.hub = hub;
        this.progress = progress;
        this.stallTimeout = stallTimeout;
    }

    Path download(HubModelId id) throws IOException {
        HubClient.Revision rev = hub.revision(id);
        List<String> files = select(id, rev.files());
        for (String file : files) fetch(id, rev.commit(), file);
        if (!files.contains(SafeTensors.SINGLE_FILE)) {
            for (String shard : shards(cache.pointer(id, rev.commit(), SafeTensors.INDEX_FILE))) {
                if (!rev.files().contains(shard)) {
                    throw new IOException(id + ": " + SafeTensors.INDEX_FILE + " names shard " + shard + ", which the repository does not have");
                }
                fetch(id, rev.commit(), shard);
            }
        }
        if (!id.revisionIsCommit()) cache.writeRef(id, rev.commit());
        return cache.snapshotDir(id, rev.commit());
    }

    /**
     * The configuration, tokenizer and module files, and the safetensors weights (shards follow
     * from the index once it is here). Other weight formats and exports are left on the Hub.
     */
    static List<String> select(HubModelId id, List<String> files) throws IOException {
        if (!files.contains(SafeTensors.SINGLE_FILE) && !files.contains(SafeTensors.INDEX_FILE)) {
            List<String> weights = files.stream().filter(f -> f.matches("[^/]*\\.(bin|pt|pth|h5|msgpack|ckpt|onnx|gguf)")).toList();
            throw new IOException(id + " has no " + SafeTensors.SINGLE_FILE + " or " + SafeTensors.INDEX_FILE
                    + (weights.isEmpty() ? "" : " (it has " + String.join(", ", weights) + ")")
                    + "; Javelin loads safetensors checkpoints");
        }
        List<String> out = new ArrayList<>();
        for (String f : files) {
            boolean topLevel = !f.contains("/");
            if (f.equals(SafeTensors.SINGLE_FILE)
                    || topLevel && (f.endsWith(".json") || f.endsWith(".txt") || f.endsWith(".model"))
                    || MODULE_FILE.matcher(f).matches()) {
                out.add(f);
            }
        }
        return out;
    }

    private static Set<String> shards(Path index) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode shard : new ObjectMapper().readTree(index.toFile()).path("weight_map")) out.add(shard.asText());
        return out;
    }

    /** Brings one file into the snapshot, downloading its blob unless the cache already has it. */
    private void fetch(HubModelId id, String commit, String file) throws IOException {
        Path pointer = cache.pointer(id, commit, file);
        if (Files.isRegularFile(pointer)) return; // follows the symlink: present and its blob too
        HubClient.FileMetadata meta = hub.metadata(id, commit, file);
        Path blob = cache.blob(id, meta.etag());
        if (!Files.isRegularFile(blob)) {
            Path lock = cache.lock(id, meta.etag());
            Files.createDirectories(lock.getParent());
            Files.createDirectories(blob.getParent());
            // Another process (Javelin, or huggingface_hub, which flocks the same file) may be fetching the same blob.
            try (CacheLock ignored = CacheLock.acquire(lock)) {
                if (!Files.isRegularFile(blob)) downloadBlob(id, file, meta, blob);
            }
        }
        cache.link(id, commit, file, meta.etag());
    }

    private void downloadBlob(HubModelId id, String file, HubClient.FileMetadata meta, Path blob) throws IOException {
        Path partial = cache.incomplete(id, meta.etag());
        long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            Files.delete(partial);
            have = 0;
        }
        MessageDigest sha = meta.lfs() ? sha256() : null;
        if (sha != null && have > 0) digestExisting(partial, sha);

        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (meta.size() < 0 || have < meta.size()) {
                HttpResponse<InputStream> r = hub.download(id, file, meta.location(), have);
                if (have > 0 && r.statusCode() != 206) {
                    // The server ignored the Range header: start over rather than append a second copy.
                    have = 0;
                    if (sha != null) sha.reset();
                } else if (have > 0 && !r.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-")) {
                    r.body().close();
                    throw new IOException("resuming " + file + " of " + id + ": the server sent range "
                            + r.headers().firstValue("Content-Range").orElse("(none)") + " for a request from byte " + have);
                }
                out.truncate(have);
                out.position(have);
                copy(r.body(), out, sha, have, meta.size(), id + " " + file);
            }
            long size = out.size();
            if (meta.size() >= 0 && size != meta.size()) {
                throw new IOException("download of " + file + " of " + id + " ended at " + size + " of " + meta.size()
                        + " bytes; run again to resume");
            }
            out.force(true);
        }
        if (sha == null && meta.etag().matches("[0-9a-f]{40}")) {
            // A small git-stored file: its ETag is git's blob id, the SHA-1 of "blob <size>\0" and the bytes.
            String actual = gitBlobId(partial);
            if (!actual.equals(meta.etag())) {
                Files.delete(partial);
                throw new IOException("checksum mismatch for " + file + " of " + id + ": the Hub says git blob " + meta.etag()
                        + ", the downloaded bytes hash to " + actual + "; the download was discarded, run again to retry");
            }
        }
        if (sha != null) {
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(meta.etag())) {
                Files.delete(partial);
                throw new IOException("checksum mismatch for " + file + " of " + id + ": the Hub says sha256 " + meta.etag()
                        + ", the downloaded bytes hash to " + actual + "; the download was discarded, run again to retry");
            }
        }
        Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String gitBlobId(Path file) throws IOException {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) >= 0; ) sha1.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Streams the body into the file, hashing as it goes. A watchdog aborts a body that stops
     * arriving for {@link #stallTimeout} (the HTTP client's timeout covers only the headers), so
     * a dead connection fails with a message instead of hanging; the partial file stays for resume.
     */
    private void copy(InputStream body, FileChannel out, MessageDigest sha, long from, long total, String task) throws IOException {
        long[] lastProgress = {System.nanoTime()};
        boolean[] stalled = {false};
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(Math.max(10, stallTimeout.toMillis() / 4));
                    synchronized (lastProgress) {
                        if (System.nanoTime() - lastProgress[0] > stallTimeout.toNanos()) {
                            stalled[0] = true;
                            body.close();
                            return;
                        }
                    }
                }
            } catch (InterruptedException | IOException e) {
                // finished, or closing failed: either way there is nothing left to watch
            }
        });
        try (InputStream in = body; ProgressBar bar = bar(task, from, total)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (lastProgress) {
                    lastProgress[0] = System.nanoTime();
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) out.write(bb);
                if (sha != null) sha.update(buf, 0, n);
                if (bar != null) bar.stepBy(n);
            }
        } catch (IOException e) {
            synchronized (lastProgress) {
                if (stalled[0]) {
                    throw new IOException(task + ": no data for " + stallTimeout.toSeconds() + " s; run again to resume", e);
                }
            }
            throw new IOException(task + ": download interrupted (" + e.getMessage() + "); run again to resume", e);
        } finally {
            watchdog.interrupt();
        }
    }

    private ProgressBar bar(String task, long from, long total) {
        if (progress == null) {
            LOG.log(System.Logger.Level.INFO, "{0}: {1} bytes{2}", task, total, from > 0 ? " (resuming at " + from + ")" : "");
            return null;
        }
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(total >= 10 << 20 ? " MB" : " KB", total >= 10 << 20 ? 1 << 20 : 1 << 10)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(progress));
        if (from > 0) b.startsFrom(from, Duration.ZERO);
        return b.build();
    }

    private static void digestExisting(Path partial, MessageDigest sha) throws IOException {
        try (InputStream in = Files.newInputStream(partial)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) sha.update(buf, 0, n);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
