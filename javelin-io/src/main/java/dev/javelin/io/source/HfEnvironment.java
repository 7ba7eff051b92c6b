package dev.javelin.io.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Hugging Face settings Javelin honours, read from environment variables exactly as
 * {@code huggingface_hub} reads them, so a Python user's cache, token and endpoint just work.
 *
 * @param hubCache  {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}; {@code $HF_HOME} defaults to
 *                  {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}
 * @param endpoint  {@code $HF_ENDPOINT} without a trailing slash, default {@code https://huggingface.co}
 * @param token     {@code $HF_TOKEN}, else the first line of the token file ({@code $HF_TOKEN_PATH},
 *                  default {@code $HF_HOME/token})
 * @param offline   {@code $HF_HUB_OFFLINE} is 1, ON, YES or TRUE: the network is never used
 */
public record HfEnvironment(Path hubCache, String endpoint, Optional<String> token, boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    /** From this process's environment and home directory. */
    public static HfEnvironment fromSystem() throws IOException {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** From {@code env} (tests pass their own map) and a home directory for the defaults. */
    public static HfEnvironment from(Map<String, String> env, Path home) throws IOException {
        Path hfHome = get(env, "HF_HOME").map(Path::of).orElseGet(() ->
                get(env, "XDG_CACHE_HOME").map(Path::of).orElse(home.resolve(".cache")).resolve("huggingface"));
        Path hubCache = get(env, "HF_HUB_CACHE").map(Path::of).orElse(hfHome.resolve("hub"));
        String endpoint = get(env, "HF_ENDPOINT").orElse(DEFAULT_ENDPOINT).replaceAll("/+$", "");
        Optional<String> token = get(env, "HF_TOKEN");
        if (token.isEmpty()) {
            Path tokenFile = get(env, "HF_TOKEN_PATH").map(Path::of).orElse(hfHome.resolve("token"));
            if (Files.isRegularFile(tokenFile)) {
                token = Files.readAllLines(tokenFile).stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst();
            }
        }
        boolean offline = get(env, "HF_HUB_OFFLINE").map(v -> TRUE.contains(v.toUpperCase(Locale.ROOT))).orElse(false);
        return new HfEnvironment(hubCache, endpoint, token, offline);
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(s -> !s.isEmpty());
    }

    @Override
    public String toString() {
        // Never print the token itself.
        return "HfEnvironment[hubCache=" + hubCache + ", endpoint=" + endpoint + ", token="
                + (token.isPresent() ? "set" : "none") + ", offline=" + offline + "]";
    }
}
