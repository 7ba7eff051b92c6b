package dev.javelin.train;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of the long training and evaluation jobs, on stderr with speed and ETA. It prints
 * whole lines every few seconds rather than redrawing one line with carriage returns: the launcher
 * filters stderr line by line, which would hold a redrawn bar back until the job ends, and logs
 * (CI, nohup) stay readable.
 */
public final class Progress {

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
                .setConsumer(new DelegatingProgressBarConsumer(System.err::println, WIDTH))
                .build();
    }
}
