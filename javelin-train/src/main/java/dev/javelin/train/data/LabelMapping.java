package dev.javelin.train.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --labels 0=NEGATIVE,1=POSITIVE} option: raw label values as written in a data file mapped
 * to class names. Its order is the order of the classes.
 */
public record LabelMapping(Map<String, String> names) {

    public LabelMapping {
        names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
    }

    public static LabelMapping none() {
        return new LabelMapping(Map.of());
    }

    /** Parses {@code raw=NAME[,raw=NAME...]}; a malformed spec throws with the offending part. */
    public static LabelMapping parse(String spec) {
        Map<String, String> names = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return none();
        }
        for (String part : spec.split(",", -1)) {
            int eq = part.indexOf('=');
            String raw = eq < 0 ? "" : part.substring(0, eq).strip();
            String name = eq < 0 ? "" : part.substring(eq + 1).strip();
            if (raw.isEmpty() || name.isEmpty()) {
                throw new IllegalArgumentException("--labels: expected RAW=NAME pairs separated by commas "
                        + "(e.g. 0=NEGATIVE,1=POSITIVE), got '" + part + "'");
            }
            if (names.put(raw, name) != null) {
                throw new IllegalArgumentException("--labels: raw value '" + raw + "' mapped twice");
            }
        }
        return new LabelMapping(names);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** The class name of a raw value: its mapping, or the value itself when there is no mapping. */
    public String nameOf(String raw) {
        return names.isEmpty() ? raw : names.get(raw);
    }
}
