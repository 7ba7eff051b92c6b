package dev.javelin.io.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.AtomicFile;
import dev.javelin.io.ContainedPath;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The Hugging Face hub cache, laid out exactly as {@code huggingface_hub} lays it out so both
 * share it:
 * <pre>
 * models--org--name/
 *   refs/main                    the commit hash "main" points to
 *   blobs/&lt;etag&gt;                 file contents, named by ETag (sha256 for LFS files)
 *   blobs/&lt;etag&gt;.incomplete      a download in progress, resumed from its length
 *   snapshots/&lt;commit&gt;/&lt;file&gt;    relative symlinks into blobs/
 * .locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 */
final class HfCache {

    private final Path root;

    HfCache(Path root) {
        this.root = root;
    }

    Path repo(HubModelId id) {
        return root.resolve(id.cacheFolder());
    }

    /** The commit {@code id}'s revision points to, per {@code refs/}, or the revision itself if it is a commit. */
    Optional<String> commit(HubModelId id) throws IOException {
        if (id.revisionIsCommit()) return Optional.of(id.revision());
        Optional<Path> ref = ContainedPath.resolve(repo(id).resolve("refs"), id.revision());
        if (ref.isEmpty() || !Files.isRegularFile(ref.get())) return Optional.empty();
        String commit = Files.readString(ref.get()).strip();
        return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    }

    Optional<Path> snapshot(HubModelId id) throws IOException {
        Optional<String> commit = commit(id);
        if (commit.isEmpty()) return Optional.empty();
        Optional<Path> dir = ContainedPath.resolve(repo(id).resolve("snapshots"), commit.get());
        return dir.filter(Files::isDirectory);
    }

    Path snapshotDir(HubModelId id, String commit) throws IOException {
        return ContainedPath.resolve(repo(id).resolve("snapshots"), commit)
                .orElseThrow(() -> new IOException("the Hub sent an unusable commit id \"" + commit + "\""));
    }

    /**
     * A snapshot Javelin can load: {@code config.json} and safetensors weights, all shards of an
     * index present. Python users often hold partial snapshots (one file fetched with
     * {@code hf_hub_download}); those are completed from the Hub rather than used.
     */
    static boolean isComplete(Path snapshot) {
        if (!Files.isRegularFile(snapshot.resolve(ModelConfig.FILE_NAME))) return false;
        if (Files.isRegularFile(snapshot.resolve(SafeTensors.SINGLE_FILE))) return true;
        Path index = snapshot.resolve(SafeTensors.INDEX_FILE);
        if (!Files.isRegularFile(index)) return false;
        try {
            JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            for (JsonNode shard : map) {
                Optional<Path> p = ContainedPath.resolve(snapshot, shard.asText());
                if (p.isEmpty() || !Files.isRegularFile(p.get())) return false;
            }
            return true;
        } catch (IOException e) {
            return true; // present but malformed: opening it reports the problem precisely
        }
    }

    Path blob(HubModelId id, String etag) {
        return repo(id).resolve("blobs").resolve(etag);
    }

    Path incomplete(HubModelId id, String etag) {
        return repo(id).resolve("blobs").resolve(etag + ".incomplete");
    }

    Path lock(HubModelId id, String etag) {
        return root.resolve(".locks").resolve(id.cacheFolder()).resolve(etag + ".lock");
    }

    /** The snapshot entry for {@code file}, or an exception if the name would escape the snapshot. */
    Path pointer(HubModelId id, String commit, String file) throws IOException {
        return ContainedPath.resolve(snapshotDir(id, commit), file)
                .orElseThrow(() -> new IOException("the Hub listed an unusable file name \"" + file + "\" in " + id));
    }

    /**
     * Points {@code snapshots/<commit>/<file>} at the blob with a relative symlink; where the
     * file system has no symlinks, copies the blob instead (as huggingface_hub does).
     */
    void link(HubModelId id, String commit, String file, String etag) throws IOException {
        Path pointer = pointer(id, commit, file);
        Path blob = blob(id, etag);
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        Path target = pointer.getParent().toAbsolutePath().normalize().relativize(blob.toAbsolutePath().normalize());
        try {
            Files.createSymbolicLink(pointer, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Records that {@code revision} now points to {@code commit} ({@code refs/<revision>}, no newline, as huggingface_hub writes it). */
    void writeRef(HubModelId id, String commit) throws IOException {
        Path ref = ContainedPath.resolve(repo(id).resolve("refs"), id.revision())
                .orElseThrow(() -> new IOException("revision \"" + id.revision() + "\" cannot name a ref file"));
        AtomicFile.write(ref, commit.getBytes(StandardCharsets.UTF_8));
    }
}
