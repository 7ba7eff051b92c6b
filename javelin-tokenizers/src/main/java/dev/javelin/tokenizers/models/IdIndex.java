package dev.javelin.tokenizers.models;

import java.util.HashMap;
import java.util.Map;

/**
 * Token of each id of a token → id vocabulary. Ids come from an untrusted file, so storage is
 * proportional to the number of entries whatever the ids are: an array when the ids are dense, a map
 * when they are sparse. Where several tokens share an id the smallest (in string order) wins, so the
 * choice is the same on every run.
 */
abstract sealed class IdIndex {
    abstract String token(int id);

    static IdIndex of(Map<String, Integer> vocab, String model) {
        long maxId = -1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException(model + " vocabulary id " + e.getValue() + " of '" + e.getKey()
                        + "' is negative");
            }
            maxId = Math.max(maxId, e.getValue());
        }
        if (maxId < 2L * vocab.size() + 1024) {
            String[] byId = new String[(int) maxId + 1];
            vocab.forEach((t, id) -> {
                if (byId[id] == null || t.compareTo(byId[id]) < 0) {
                    byId[id] = t;
                }
            });
            return new Dense(byId);
        }
        Map<Integer, String> byId = new HashMap<>(vocab.size() * 2);
        vocab.forEach((t, id) -> byId.merge(id, t, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        return new Sparse(byId);
    }

    private static final class Dense extends IdIndex {
        private final String[] byId;

        Dense(String[] byId) {
            this.byId = byId;
        }

        @Override
        String token(int id) {
            return id >= 0 && id < byId.length ? byId[id] : null;
        }
    }

    private static final class Sparse extends IdIndex {
        private final Map<Integer, String> byId;

        Sparse(Map<Integer, String> byId) {
            this.byId = byId;
        }

        @Override
        String token(int id) {
            return byId.get(id);
        }
    }
}
