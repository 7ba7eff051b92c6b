package dev.javelin.pipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A long job's progress (a batch job, training, evaluation), with rate and ETA: a bar redrawn in place
 * when stderr is a terminal; otherwise (a log, CI, a pipe) a log record every few seconds
 * (System.Logger), which stays readable in a file.
 */
public final class Progress implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Progress.class.getName());
    private static final int LINE_MILLIS = 10_000;
    private static final int WIDTH = 100;

    private final ProgressBar bar;

    /** @param unit what is counted ("rows", "texts"); @param done how many were done before this run */
    public Progress(String task, String unit, long total, long done) {
        this(task, unit, total, done, stderrIsTerminal() ? null : line -> LOG.log(System.Logger.Level.INFO, line));
    }

    /** @param lines where plain lines go; null redraws a bar on stderr */
    Progress(String task, String unit, long total, long done, Consumer<String> lines) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total < 0 ? -1 : total)
                .startsFrom(done, java.time.Duration.ZERO)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII);
        if (lines == null) {
            b.setConsumer(new ConsoleProgressBarConsumer(System.err, WIDTH)).setUpdateIntervalMillis(500);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(withoutRepeats(lines), WIDTH)).setUpdateIntervalMillis(LINE_MILLIS);
        }
        this.bar = b.build();
    }

    /**
     * The bar renders its final state twice as it closes (for the last step, then as it finishes): a
     * terminal redraws the same line in place, a log would show it twice. Any other line differs from
     * the one before, in elapsed time if in nothing else.
     */
    private static Consumer<String> withoutRepeats(Consumer<String> lines) {
        AtomicReference<String> last = new AtomicReference<>();
        return line -> {
            if (!line.equals(last.getAndSet(line))) lines.accept(line);
        };
    }

    public void advance(long n) {
        bar.stepBy(n);
    }

    /**
     * Whether stderr is a terminal. A launcher that pipes stderr through a filter (the {@code javelin}
     * script drops the JVM's incubator warning) says so with {@code -Djavelin.stderr.terminal=true};
     * otherwise, on Linux, fd 2 names its device; elsewhere, whether the JVM has a console.
     */
    private static boolean stderrIsTerminal() {
        String told = System.getProperty("javelin.stderr.terminal");
        if (told != null) return Boolean.parseBoolean(told);
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null && System.console().isTerminal();
        }
    }

    @Override
    public void close() {
        bar.close();
    }
}
