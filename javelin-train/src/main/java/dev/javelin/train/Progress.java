package dev.javelin.train;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of the long training and evaluation jobs, with speed and ETA, logged (System.Logger)
 * as whole lines every few seconds rather than redrawn in place: the launcher filters stderr line by
 * line, which would hold a redrawn bar back until the job ends, and logs (CI, nohup) stay readable.
 */
public final class Progress {
    private static final System.Logger LOG = System.getLogger(Progress.class.getName());

    private static final int UPDATE_MILLIS = 5_000;
    private static final int WIDTH = 100;

    private Progress() {
    }

    public static ProgressBar bar(String task, int texts) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(texts)
                .setUnit(" texts", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .setConsumer(new DelegatingProgressBarConsumer(line -> LOG.log(System.Logger.Level.INFO, line), WIDTH))
                .build();
    }
}
