package dev.javelin.io.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The classification-head keys every model config shares: {@code id2label}, {@code label2id}, {@code problem_type}. */
final class Labels {
    private Labels() {}

    static final Set<String> PROBLEM_TYPES = Set.of("regression", "single_label_classification", "multi_label_classification");

    /**
     * {@code id2label}, or {@code LABEL_i} names when only {@code num_labels} is given (as
     * {@code transformers} names them). Ids must be 0…n-1: they index the head's outputs.
     */
    static Map<Integer, String> id2label(ConfigReader r) throws ConfigException {
        Map<Integer, String> labels = r.optionalIdMap("id2label");
        if (labels.isEmpty() && r.has("num_labels")) {
            int n = r.requiredPositiveInt("num_labels");
            for (int i = 0; i < n; i++) labels.put(i, ModelConfig.defaultLabel(i));
        }
        int expected = 0;
        for (int id : labels.keySet()) {
            if (id != expected++) {
                throw new ConfigException(r.file(), "id2label", "ids must be 0.." + (labels.size() - 1) + ", found " + labels.keySet());
            }
        }
        if (r.has("num_labels") && r.has("id2label") && r.requiredInt("num_labels") != labels.size()) {
            throw new ConfigException(r.file(), "num_labels", r.requiredInt("num_labels") + " disagrees with the "
                    + labels.size() + " labels of id2label");
        }
        return labels;
    }

    static Map<String, Integer> label2id(ConfigReader r) throws ConfigException {
        return new TreeMap<>(r.optionalLabelMap("label2id"));
    }

    static String problemType(ConfigReader r) throws ConfigException {
        String p = r.optionalString("problem_type").orElse(null);
        if (p != null && !PROBLEM_TYPES.contains(p)) {
            throw new ConfigException(r.file(), "problem_type", "unknown \"" + p + "\"; expected one of " + PROBLEM_TYPES);
        }
        return p;
    }

    static <K extends Comparable<K>, V> Map<K, V> sorted(Map<K, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    static Map<String, Integer> inverse(Map<Integer, String> id2label) {
        Map<String, Integer> out = new TreeMap<>();
        id2label.forEach((id, label) -> out.put(label, id));
        return out;
    }

    /** Adds the label keys to {@code config} (when there are labels) and renders it as {@code config.json} text. */
    static String toJson(ObjectNode config, Map<Integer, String> id2label, Map<String, Integer> label2id, String problemType) {
        if (!id2label.isEmpty()) {
            ObjectNode ids = config.putObject("id2label");
            id2label.forEach((id, label) -> ids.put(String.valueOf(id), label));
            ObjectNode labels = config.putObject("label2id");
            label2id.forEach(labels::put);
        }
        if (problemType != null) config.put("problem_type", problemType);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
        }
    }
}
