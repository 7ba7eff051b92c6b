package dev.javelin.io.source;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds a model from what a user typed, in order:
 * <ol>
 *   <li>a local directory in Hugging Face layout;</li>
 *   <li>a Hub id ({@code org/name[@revision]}) already in the Hugging Face cache, used in place;</li>
 *   <li>otherwise a download from the Hub into that cache (unless {@code HF_HUB_OFFLINE} is set).</li>
 * </ol>
 * See {@link HfEnvironment} for the environment variables honoured.
 */
public final class ModelSource {

    static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final HfEnvironment env;
    private final PrintStream progress;
    private final HttpClient http;
    private final Duration stallTimeout;

    ModelSource(HfEnvironment env, PrintStream progress, HttpClient http, Duration stallTimeout) {
        this.env = env;
        this.progress = progress;
        this.http = http;
        this.stallTimeout = stallTimeout;
    }

    /**
     * A source over {@code env}; download progress bars go to {@code progress} (null for none).
     * Tests use this to point at a temporary cache and a local server without touching the real environment.
     */
    public static ModelSource of(HfEnvironment env, PrintStream progress) {
        return new ModelSource(env, progress, HubClient.defaultHttpClient(), DEFAULT_STALL_TIMEOUT);
    }

    /** Resolves {@code spec} with this process's environment; each download is logged (System.Logger), not drawn. */
    public static Path resolve(String spec) throws IOException {
        return of(HfEnvironment.fromSystem(), null).locate(spec);
    }

    /** The directory {@code spec} names: local, cached, or freshly downloaded (see the class comment). */
    public Path locate(String spec) throws IOException {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("no model given");
        Optional<Path> local = localPath(spec);
        if (local.isPresent() && Files.isDirectory(local.get())) return local.get().toAbsolutePath();
        if (local.isPresent() && Files.exists(local.get())) {
            throw new IOException(spec + " is a file; a model is a directory holding config.json and model.safetensors");
        }
        HubModelId id = HubModelId.parse(spec).orElseThrow(() -> new NoSuchFileException(spec, null,
                "no such model directory, and not a Hub model id (org/name[@revision])"));
        HfCache cache = new HfCache(env.hubCache());
        Optional<Path> cached = cache.snapshot(id);
        if (cached.isPresent() && HfCache.isComplete(cached.get())) return cached.get();
        if (env.offline()) {
            throw new IOException(id + " is not in the Hugging Face cache at " + env.hubCache()
                    + (cached.isPresent() ? " (its snapshot " + cached.get().getFileName() + " lacks config.json or safetensors weights)" : "")
                    + ", and HF_HUB_OFFLINE=1 forbids downloading it");
        }
        return new SnapshotDownloader(cache, new HubClient(env, http), progress, stallTimeout).download(id);
    }

    private static Optional<Path> localPath(String spec) {
        try {
            return Optional.of(Path.of(spec.startsWith("~/") ? System.getProperty("user.home") + spec.substring(1) : spec));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
