package dev.javelin.train.linear;

import dev.javelin.train.metrics.ClassificationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fits an L2-regularised multinomial logistic-regression head on embeddings. The regularisation
 * strength λ is chosen from a grid by accuracy on validation data (ties go to the stronger λ): a given
 * validation set, or else a stratified held-out fraction of the training data, after which the head is
 * refitted on all training data with the chosen λ. Deterministic: the only randomness is the seeded split.
 */
public final class LogisticRegression {

    /** Strong to weak: each fit warm-starts the next. */
    public static final List<Double> DEFAULT_GRID = List.of(1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5);

    /** How to fit: the λ grid (one value = no search), held-out fraction, seed, iteration cap. */
    public record Options(List<Double> l2Grid, double holdoutFraction, long seed, int maxIterations) {
        public Options {
            if (l2Grid.isEmpty() || l2Grid.stream().anyMatch(l -> !(l >= 0))) {
                throw new IllegalArgumentException("regularisation strengths must be >= 0: " + l2Grid);
            }
            if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
                throw new IllegalArgumentException("held-out fraction must be in (0, 1): " + holdoutFraction);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_GRID, 0.1, 42, 1000);
        }
    }

    /** One point of the search: λ, validation accuracy and mean log-loss, L-BFGS iterations. */
    public record Trial(double l2, double accuracy, double logLoss, int iterations) {
    }

    /**
     * The head, the λ chosen, the search, and predictions on the validation data (of the model fitted
     * without it, when it was held out of the training data).
     */
    public record Fit(SoftmaxHead head, double l2, List<Trial> trials, int[] validationLabels,
                      int[] validationPredictions, boolean heldOut) {
    }

    private LogisticRegression() {
    }

    /**
     * @param validation features of a validation set, or null to hold out part of the training data
     * @param log        receives one line per step (the search table)
     */
    public static Fit fit(float[][] features, int[] labels, int classes, float[][] validation, int[] validationLabels,
                          Options options, Consumer<String> log) {
        boolean heldOut = validation == null;
        float[][] fitX = features;
        int[] fitY = labels;
        float[][] valX = validation;
        int[] valY = validationLabels;
        if (heldOut) {
            StratifiedSplit split = StratifiedSplit.of(labels, classes, options.holdoutFraction(), options.seed());
            if (split.holdout().length == 0) {
                throw new IllegalArgumentException("too few examples to hold any out for choosing the "
                        + "regularisation; give --validation data or more examples");
            }
            fitX = rows(features, split.train());
            fitY = rows(labels, split.train());
            valX = rows(features, split.holdout());
            valY = rows(labels, split.holdout());
            log.accept(String.format("held out %d of %d examples (stratified, seed %d) to choose λ",
                    valY.length, labels.length, options.seed()));
        }
        Standardizer standardizer = Standardizer.fit(fitX);
        float[][] x = standardizer.apply(fitX);
        float[][] v = standardizer.apply(valX);
        int dim = features[0].length;
        double[] params = new double[SoftmaxObjective.parameterCount(classes, dim)];
        double[] best = null;
        int[] bestPredictions = null;
        double bestAccuracy = -1;
        double bestL2 = Double.NaN;
        List<Trial> trials = new ArrayList<>();
        for (double l2 : options.l2Grid()) {
            Lbfgs.Result result = minimize(x, fitY, classes, l2, params, options);
            params = result.x();
            int[] predictions = new int[valY.length];
            double logLoss = evaluate(params, classes, v, valY, predictions);
            double accuracy = ClassificationMetrics.of(valY, predictions, classNames(classes)).accuracy();
            trials.add(new Trial(l2, accuracy, logLoss, result.iterations()));
            log.accept(String.format("λ=%-8.1e validation accuracy %.4f  log-loss %.4f  (%d L-BFGS iterations%s)",
                    l2, accuracy, logLoss, result.iterations(), result.converged() ? "" : ", not converged"));
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestL2 = l2;
                best = params.clone();
                bestPredictions = predictions;
            }
        }
        SoftmaxHead head;
        if (heldOut) {
            log.accept(String.format("chose λ=%.1e; refitting on all %d examples", bestL2, labels.length));
            Standardizer all = Standardizer.fit(features);
            Lbfgs.Result refit = minimize(all.apply(features), labels, classes, bestL2, best, options);
            head = all.fold(refit.x(), classes);
        } else {
            log.accept(String.format("chose λ=%.1e", bestL2));
            head = standardizer.fold(best, classes);
        }
        return new Fit(head, bestL2, List.copyOf(trials), valY, bestPredictions, heldOut);
    }

    private static Lbfgs.Result minimize(float[][] x, int[] y, int classes, double l2, double[] start,
                                         Options options) {
        Lbfgs lbfgs = new Lbfgs(10, options.maxIterations(), 1e-6, 1e-10);
        return lbfgs.minimize(new SoftmaxObjective(x, y, classes, l2), start);
    }

    /** Writes argmax predictions and returns the mean log-loss. */
    private static double evaluate(double[] params, int classes, float[][] x, int[] y, int[] predictions) {
        double[] logits = new double[classes];
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            SoftmaxObjective.logits(params, x[i], logits);
            loss += SoftmaxObjective.logSumExp(logits) - logits[y[i]];
            int arg = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[c] > logits[arg]) {
                    arg = c;
                }
            }
            predictions[i] = arg;
        }
        return loss / x.length;
    }

    private static List<String> classNames(int classes) {
        return java.util.stream.IntStream.range(0, classes).mapToObj(String::valueOf).toList();
    }

    private static float[][] rows(float[][] x, int[] index) {
        float[][] out = new float[index.length][];
        for (int i = 0; i < index.length; i++) {
            out[i] = x[index[i]];
        }
        return out;
    }

    private static int[] rows(int[] y, int[] index) {
        int[] out = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = y[index[i]];
        }
        return out;
    }
}
