package dev.javelin.train.linear;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Nocedal and Wright, <i>Numerical Optimization</i>, 2nd ed.: Algorithm 7.4 for the
 * direction, Algorithms 3.5/3.6 for a line search satisfying the strong Wolfe conditions).
 *
 * <p>Hand-written because no maintained, permissively licensed Java library on Maven Central offers
 * it (see the README). Fully deterministic: no randomness, no threads of its own.
 */
public final class Lbfgs {

    /** A smooth function to minimise. */
    @FunctionalInterface
    public interface Objective {
        /** Returns f(x) and writes ∇f(x) into {@code gradient} (same length as x). */
        double evaluate(double[] x, double[] gradient);
    }

    /** Where the search stopped and why. */
    public record Result(double[] x, double value, double gradientNorm, int iterations, int evaluations,
                         boolean converged) {
    }

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_LINE_SEARCH = 40;

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;
    private final double relativeTolerance;

    /**
     * @param memory            correction pairs kept (5–20 is usual)
     * @param maxIterations     iteration cap
     * @param gradientTolerance stop when max |∂f/∂x_i| falls below this
     * @param relativeTolerance stop when an iteration lowers f by less than this fraction of |f|
     */
    public Lbfgs(int memory, int maxIterations, double gradientTolerance, double relativeTolerance) {
        if (memory < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("memory and maxIterations must be positive");
        }
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.relativeTolerance = relativeTolerance;
    }

    public Result minimize(Objective objective, double[] start) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double f = objective.evaluate(x, g);
        int evaluations = 1;
        checkFinite(f, "at the starting point");

        double[][] s = new double[memory][n];
        double[][] y = new double[memory][n];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        int stored = 0;
        int newest = -1;

        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        LineSearch search = new LineSearch(objective, n);

        int iteration = 0;
        while (true) {
            double gNorm = maxAbs(g);
            if (gNorm <= gradientTolerance) {
                return new Result(x, f, gNorm, iteration, evaluations, true);
            }
            if (iteration == maxIterations) {
                return new Result(x, f, gNorm, iteration, evaluations, false);
            }
            // Two-loop recursion: d = -H·g with H the implicit inverse-Hessian approximation.
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(newest - k, memory);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            double initialStep;
            if (stored > 0) {
                double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
                scale(d, gamma);
                initialStep = 1;
            } else {
                // No curvature known yet: a first step of unit length.
                initialStep = 1 / Math.sqrt(dot(g, g));
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(newest - k, memory);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            double slope = dot(g, d);
            if (!(slope < 0)) {
                // Rounding made the quasi-Newton direction useless: restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                slope = dot(g, d);
                initialStep = 1 / Math.sqrt(-slope);
            }

            double fNew = search.run(x, f, g, d, slope, initialStep, xNew, gNew);
            evaluations += search.evaluations;
            iteration++;
            if (Double.isNaN(fNew)) {
                // No step lowered f: at machine precision of the minimum.
                return new Result(x, f, maxAbs(g), iteration, evaluations, maxAbs(g) <= gradientTolerance);
            }

            newest = (newest + 1) % memory;
            for (int i = 0; i < n; i++) {
                s[newest][i] = xNew[i] - x[i];
                y[newest][i] = gNew[i] - g[i];
            }
            double sy = dot(s[newest], y[newest]);
            if (sy > 1e-12 * dot(y[newest], y[newest])) {
                rho[newest] = 1 / sy;
                stored = Math.min(stored + 1, memory);
            } else {
                newest = Math.floorMod(newest - 1, memory);
            }
            double decrease = f - fNew;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            f = fNew;
            if (decrease <= relativeTolerance * Math.max(Math.abs(f), 1e-300)) {
                return new Result(x, f, maxAbs(g), iteration, evaluations, true);
            }
        }
    }

    /** Finds a step along d satisfying the strong Wolfe conditions. */
    private static final class LineSearch {
        private final Objective objective;
        private final double[] trialX;
        private final double[] trialG;
        int evaluations;

        LineSearch(Objective objective, int n) {
            this.objective = objective;
            this.trialX = new double[n];
            this.trialG = new double[n];
        }

        /** Returns f at the accepted point (written to xOut, gOut), or NaN when no step decreased f. */
        double run(double[] x, double f0, double[] g0, double[] d, double slope0, double step,
                   double[] xOut, double[] gOut) {
            evaluations = 0;
            double prevStep = 0;
            double prevF = f0;
            double prevSlope = slope0;
            double bestF = Double.NaN;
            for (int i = 0; i < MAX_LINE_SEARCH; i++) {
                double fa = evaluate(x, d, step);
                double slope = dot(trialG, d);
                if (fa > f0 + C1 * step * slope0 || (i > 0 && fa >= prevF)) {
                    return zoom(x, f0, slope0, d, prevStep, prevF, prevSlope, step, fa, slope, xOut, gOut);
                }
                if (fa < f0) {
                    bestF = accept(fa, xOut, gOut);
                }
                if (Math.abs(slope) <= -C2 * slope0) {
                    return fa;
                }
                if (slope >= 0) {
                    return zoom(x, f0, slope0, d, step, fa, slope, prevStep, prevF, prevSlope, xOut, gOut);
                }
                prevStep = step;
                prevF = fa;
                prevSlope = slope;
                step *= 2;
            }
            return bestF;
        }

        private double zoom(double[] x, double f0, double slope0, double[] d,
                            double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi,
                            double[] xOut, double[] gOut) {
            // A positive lo passed the sufficient-decrease test, so xOut/gOut already hold it.
            double bestF = lo > 0 ? fLo : Double.NaN;
            for (int i = 0; i < MAX_LINE_SEARCH; i++) {
                double step = cubicMinimum(lo, fLo, slopeLo, hi, fHi, slopeHi);
                double width = Math.abs(hi - lo);
                double low = Math.min(lo, hi) + 0.1 * width;
                double high = Math.max(lo, hi) - 0.1 * width;
                if (!(step >= low && step <= high)) {
                    step = (lo + hi) / 2;
                }
                if (width <= 1e-16 * Math.max(1, Math.abs(hi))) {
                    return bestF;
                }
                double fa = evaluate(x, d, step);
                double slope = dot(trialG, d);
                if (fa > f0 + C1 * step * slope0 || fa >= fLo) {
                    hi = step;
                    fHi = fa;
                    slopeHi = slope;
                } else {
                    bestF = accept(fa, xOut, gOut);
                    if (Math.abs(slope) <= -C2 * slope0) {
                        return fa;
                    }
                    if (slope * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        slopeHi = slopeLo;
                    }
                    lo = step;
                    fLo = fa;
                    slopeLo = slope;
                }
            }
            return bestF;
        }

        private double evaluate(double[] x, double[] d, double step) {
            for (int i = 0; i < x.length; i++) {
                trialX[i] = x[i] + step * d[i];
            }
            evaluations++;
            double f = objective.evaluate(trialX, trialG);
            checkFinite(f, "during the line search");
            return f;
        }

        private double accept(double f, double[] xOut, double[] gOut) {
            System.arraycopy(trialX, 0, xOut, 0, trialX.length);
            System.arraycopy(trialG, 0, gOut, 0, trialG.length);
            return f;
        }
    }

    /** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
    static double cubicMinimum(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) {
            return Double.NaN;
        }
        double d2 = Math.copySign(Math.sqrt(disc), b - a);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static void checkFinite(double f, String where) {
        if (!Double.isFinite(f)) {
            throw new ArithmeticException("objective is " + f + " " + where);
        }
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double[] x, double a) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    private static double maxAbs(double[] x) {
        return Arrays.stream(x).map(Math::abs).max().orElse(0);
    }
}
