package dev.javelin.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.javelin.io.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's committed work, in {@code <output>.parts/} beside the output. Chunk {@code k} holds the
 * results of input records {@code k·chunkRows … (k+1)·chunkRows-1}. A chunk is committed by renaming
 * its fsynced file into place — its bad rows first, then its results — so after a kill at any point
 * the chunks present are exactly the complete ones, and a re-run resumes after the last of them.
 *
 * <p>The output is built while the job runs: each committed chunk is appended at once to {@link
 * Output}, the output-to-be in the same directory, so finishing only closes it (a Parquet footer)
 * and renames it into place; there is no pass over all the results at the end. A resumed run
 * rebuilds that file from the committed chunks (I/O only: Parquet row groups are copied undecoded)
 * and goes on appending.
 */
final class ChunkStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter LINE = new ObjectMapper().writer();
    private static final String MANIFEST = "job.json";
    /** Present once the output is in place: only clean-up is left. */
    private static final String MERGED = "merged";
    /** The output-to-be's name in the directory (with the format's extension); never a chunk's. */
    private static final String OUTPUT = "output.";

    private final Path output;
    private final Path badRowsFile;
    private final Path dir;
    private final Format format;
    private final OutputSchema schema;
    private Output joined;

    ChunkStore(Path output, Path badRowsFile, Format format, OutputSchema schema) {
        this.output = output.toAbsolutePath();
        this.badRowsFile = badRowsFile.toAbsolutePath();
        this.dir = this.output.resolveSibling(this.output.getFileName() + ".parts");
        this.format = format;
        this.schema = schema;
    }

    Path directory() {
        return dir;
    }

    /**
     * Opens the store for {@code manifest}: a new one, or the one a killed run of the same job left.
     *
     * @return how many chunks are already committed (0 for a new job)
     * @throws IOException when the directory belongs to a different job
     */
    int open(JobManifest manifest) throws IOException {
        Path m = dir.resolve(MANIFEST);
        if (Files.isRegularFile(m)) {
            JobManifest previous = JSON.readValue(m.toFile(), JobManifest.class);
            if (!previous.equals(manifest)) {
                throw new IOException(dir + " holds the committed chunks of a different job (" + previous
                        + "); delete it to start this job afresh, or re-run the original command to finish that one");
            }
            if (Files.exists(dir.resolve(MERGED))) {
                cleanUp();
                return -1;
            }
            int committed = committedChunks();
            startOutput(committed);
            return committed;
        }
        if (Files.isDirectory(dir)) deleteTree();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(MANIFEST + ".tmp");
        JSON.writeValue(tmp.toFile(), manifest);
        AtomicFile.publish(tmp, m);
        startOutput(0);
        return 0;
    }

    /** Starts the output-to-be afresh with chunks {@code 0…committed-1}. */
    private void startOutput(int committed) throws IOException {
        joined = Output.start(dir.resolve(OUTPUT + format.extension()), format, schema);
        for (int k = 0; k < committed; k++) joined.append(results(k));
    }

    /** Consecutive chunks from 0 whose results are in place; anything after them is a torn write and goes. */
    private int committedChunks() throws IOException {
        int n = 0;
        while (Files.isRegularFile(results(n))) n++;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "chunk-*")) {
            for (Path f : files) if (chunkOf(f) >= n) Files.delete(f);
        }
        return n;
    }

    private static int chunkOf(Path f) {
        String name = f.getFileName().toString();
        return Integer.parseInt(name.substring("chunk-".length(), "chunk-".length() + 8));
    }

    private List<Path> resultFiles(int chunks) {
        List<Path> files = new ArrayList<>(chunks);
        for (int k = 0; k < chunks; k++) files.add(results(k));
        return files;
    }

    private Path results(int chunk) {
        return dir.resolve("chunk-%08d.%s".formatted(chunk, format.extension()));
    }

    private Path badRows(int chunk) {
        return dir.resolve("chunk-%08d.bad.jsonl".formatted(chunk));
    }

    /** Commits one chunk: its bad rows (if any), then its results, each written aside, forced to disk and renamed into place. */
    void commit(int chunk, List<Result> results, List<BadRow> bad) throws IOException {
        if (!bad.isEmpty()) {
            Path tmp = dir.resolve(badRows(chunk).getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (BadRow b : bad) out.write((LINE.writeValueAsString(b) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            AtomicFile.publish(tmp, badRows(chunk));
        }
        Path tmp = dir.resolve(results(chunk).getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        ResultWriter.writeAll(tmp, format, schema, false, results);
        AtomicFile.publish(tmp, results(chunk));
        joined.append(results(chunk));
    }

    /**
     * Puts the output in place (it holds chunks {@code 0…chunks-1} already) and joins the bad rows into
     * the side file, each renamed into place after fsync, then removes the directory.
     *
     * @return how many bad rows the side file holds
     */
    long finish(int chunks) throws IOException {
        joined.finish();
        AtomicFile.publish(joined.file(), output);
        joined = null;
        long bad = joinBadRows(chunks);
        Files.createFile(dir.resolve(MERGED));
        cleanUp();
        return bad;
    }

    /** Closes the output-to-be of a job that stopped before it was done; a re-run rebuilds it. */
    void abandon() throws IOException {
        if (joined != null) joined.close();
        joined = null;
    }

    private long joinBadRows(int chunks) throws IOException {
        List<Path> parts = new ArrayList<>();
        for (int k = 0; k < chunks; k++) if (Files.isRegularFile(badRows(k))) parts.add(badRows(k));
        if (parts.isEmpty()) {
            Files.deleteIfExists(badRowsFile);
            return 0;
        }
        Path tmp = badRowsFile.resolveSibling(badRowsFile.getFileName() + ".tmp");
        long lines = 0;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (Path p : parts) {
                lines += Lines.count(p);
                Files.copy(p, out);
            }
        }
        AtomicFile.publish(tmp, badRowsFile);
        return lines;
    }

    private void cleanUp() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "chunk-*")) {
            for (Path f : files) Files.delete(f);
        }
        Files.deleteIfExists(dir.resolve(OUTPUT + format.extension()));
        Files.deleteIfExists(dir.resolve(MANIFEST));
        Files.deleteIfExists(dir.resolve(MERGED));
        Files.deleteIfExists(dir);
    }

    private void deleteTree() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) Files.delete(f);
        }
        Files.delete(dir);
    }
}
