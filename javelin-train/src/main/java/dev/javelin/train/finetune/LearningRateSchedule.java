package dev.javelin.train.finetune;

/**
 * Linear warm-up from 0 to the peak over the first {@code warmup} steps, then linear decay to 0 at
 * {@code total}, as transformers' {@code get_linear_schedule_with_warmup}.
 */
public record LearningRateSchedule(double peak, long warmup, long total) {
    public LearningRateSchedule {
        if (!(peak > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + peak);
        if (total < 1 || warmup < 0 || warmup > total) {
            throw new IllegalArgumentException("schedule needs 0 ≤ warm-up (" + warmup + ") ≤ total steps (" + total + "), total ≥ 1");
        }
    }

    /** The rate for step {@code step} (0-based). */
    public double at(long step) {
        if (step < warmup) return peak * (step + 1) / warmup;
        return peak * Math.max(0, total - step) / Math.max(1, total - warmup);
    }
}
