package dev.javelin.train.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Texts with class ids in {@code [0, classes.size())}; {@code classes.get(id)} is the class name that
 * becomes the model's {@code id2label}.
 */
public record Dataset(List<String> texts, List<String> pairs, int[] labels, List<String> classes) {

    public int size() {
        return texts.size();
    }

    /** The classes by id, as a model's config names them. */
    public Map<Integer, String> id2label() {
        Map<Integer, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            out.put(i, classes.get(i));
        }
        return out;
    }

    /** True when the examples are sentence pairs. */
    public boolean hasPairs() {
        return pairs != null;
    }

    /**
     * Builds a training set: classes are the mapping's names in its order, or else the distinct raw
     * labels in sorted order (numerically when all are integers). Fewer than two classes is an error,
     * and so is a raw label the mapping lacks.
     */
    public static Dataset forTraining(Path file, List<LabelledText> rows, LabelMapping mapping)
            throws DatasetException {
        List<String> classes;
        if (mapping.isEmpty()) {
            Set<String> raw = new TreeSet<>(Dataset::compareRaw);
            rows.forEach(r -> raw.add(r.label()));
            classes = List.copyOf(raw);
        } else {
            classes = List.copyOf(new LinkedHashSet<>(mapping.names().values()));
        }
        Dataset dataset = withClasses(file, rows, mapping, classes);
        long present = java.util.Arrays.stream(dataset.labels).distinct().count();
        if (present < 2) {
            throw new DatasetException(file, "only one class ('" + classes.get(dataset.labels[0])
                    + "') in " + rows.size() + " examples; a classifier needs at least two");
        }
        if (present < classes.size()) {
            List<String> missing = new ArrayList<>(classes);
            java.util.Arrays.stream(dataset.labels).distinct().mapToObj(classes::get).forEach(missing::remove);
            throw new DatasetException(file, "no examples of " + missing + " named in --labels");
        }
        return dataset;
    }

    /**
     * Builds a set labelled with a model's classes: a raw label (after the mapping) must be one of the
     * class names or, failing that, an integer class id — so SST-2's 0/1 evaluate against
     * NEGATIVE/POSITIVE without a mapping.
     */
    public static Dataset forModel(Path file, List<LabelledText> rows, LabelMapping mapping, List<String> labels)
            throws DatasetException {
        return withClasses(file, rows, mapping, labels);
    }

    private static Dataset withClasses(Path file, List<LabelledText> rows, LabelMapping mapping, List<String> classes)
            throws DatasetException {
        List<String> texts = new ArrayList<>(rows.size());
        List<String> pairs = rows.getFirst().pair() == null ? null : new ArrayList<>(rows.size());
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            LabelledText row = rows.get(i);
            String name = mapping.nameOf(row.label());
            if (name == null) {
                throw new DatasetException(file, row.line(), "label '" + row.label() + "' is not in --labels "
                        + mapping.names().keySet());
            }
            int id = classes.indexOf(name);
            if (id < 0) {
                id = classIdOf(name, classes.size());
            }
            if (id < 0) {
                throw new DatasetException(file, row.line(), "label '" + row.label() + "' is none of the classes "
                        + classes);
            }
            texts.add(row.text());
            if (pairs != null) {
                pairs.add(row.pair());
            }
            labels[i] = id;
        }
        return new Dataset(List.copyOf(texts), pairs == null ? null : List.copyOf(pairs), labels, classes);
    }

    private static int classIdOf(String name, int classes) {
        try {
            int id = Integer.parseInt(name);
            return id >= 0 && id < classes ? id : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int compareRaw(String a, String b) {
        boolean aInt = isInteger(a);
        boolean bInt = isInteger(b);
        if (aInt && bInt) {
            int byValue = new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
            return byValue != 0 ? byValue : a.compareTo(b);
        }
        if (aInt != bInt) {
            return aInt ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isInteger(String s) {
        return s.matches("[+-]?\\d+");
    }
}
