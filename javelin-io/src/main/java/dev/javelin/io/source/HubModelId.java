package dev.javelin.io.source;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Hub model reference, {@code org/name} or {@code name}, with an optional {@code @revision}
 * (branch, tag, or commit hash; default {@code main}).
 */
public record HubModelId(String repoId, String revision) {

    public static final String DEFAULT_REVISION = "main";
    /** huggingface_hub's repo id rule: word characters, '-' and '.', no "--" or "..", at most 96 characters. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Parses {@code spec}, or returns empty if it is not a valid Hub id. */
    public static Optional<HubModelId> parse(String spec) {
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String revision = at < 0 ? DEFAULT_REVISION : spec.substring(at + 1);
        if (!validRepo(repo) || revision.isEmpty() || revision.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.empty();
        }
        return Optional.of(new HubModelId(repo, revision));
    }

    private static boolean validRepo(String repo) {
        if (repo.isEmpty() || repo.length() > 96 || repo.contains("--") || repo.contains("..")) return false;
        String[] parts = repo.split("/", -1);
        if (parts.length > 2) return false;
        for (String p : parts) {
            if (!PART.matcher(p).matches() || p.startsWith("-") || p.startsWith(".") || p.endsWith("-") || p.endsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** The revision is a full commit hash, which needs no ref lookup. */
    public boolean revisionIsCommit() {
        return COMMIT.matcher(revision).matches();
    }

    /** The repository's folder in the cache: {@code models--org--name}. */
    public String cacheFolder() {
        return "models--" + repoId.replace("/", "--");
    }

    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? repoId : repoId + "@" + revision;
    }
}
