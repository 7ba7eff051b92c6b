package dev.javelin.train.metrics;

import java.util.List;

/**
 * Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix of predictions against
 * true class ids. Macro-F1 averages F1 over the classes that occur in the truth or the predictions
 * (as scikit-learn does), so a class absent from a small evaluation set does not count as 0.
 */
public record ClassificationMetrics(List<String> classes, long[][] confusion) {

    public static ClassificationMetrics of(int[] truth, int[] predicted, List<String> classes) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " labels but " + predicted.length + " predictions");
        }
        long[][] confusion = new long[classes.size()][classes.size()];
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(List.copyOf(classes), confusion);
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        long right = 0;
        for (int c = 0; c < confusion.length; c++) {
            right += confusion[c][c];
        }
        return total() == 0 ? 0 : (double) right / total();
    }

    public double precision(int c) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    public double recall(int c) {
        long actual = 0;
        for (long v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroF1() {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < confusion.length; c++) {
            if (occurs(c)) {
                sum += f1(c);
                counted++;
            }
        }
        return counted == 0 ? 0 : sum / counted;
    }

    private boolean occurs(int c) {
        long n = 0;
        for (int k = 0; k < confusion.length; k++) {
            n += confusion[c][k] + confusion[k][c];
        }
        return n > 0;
    }

    /** A plain-text report: totals, per-class scores and the confusion matrix (rows true, columns predicted). */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("examples  %d%naccuracy  %.4f%nmacro-F1  %.4f%n%n", total(), accuracy(), macroF1()));
        int width = Math.max(9, classes.stream().mapToInt(String::length).max().orElse(0) + 2);
        out.append(String.format("%-" + width + "s %9s %9s %9s%n", "class", "precision", "recall", "F1"));
        for (int c = 0; c < classes.size(); c++) {
            out.append(String.format("%-" + width + "s %9.4f %9.4f %9.4f%n", classes.get(c), precision(c), recall(c), f1(c)));
        }
        out.append(String.format("%nconfusion matrix (rows: true, columns: predicted)%n%-" + width + "s", ""));
        for (String name : classes) {
            out.append(String.format(" %" + width + "s", name));
        }
        out.append('\n');
        for (int c = 0; c < classes.size(); c++) {
            out.append(String.format("%-" + width + "s", classes.get(c)));
            for (long v : confusion[c]) {
                out.append(String.format(" %" + width + "d", v));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
