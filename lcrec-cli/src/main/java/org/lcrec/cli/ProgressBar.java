package org.lcrec.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A terminal progress bar for long stages: {@code train [#######.....] 58% 1,234/2,100 loss 0.412
 * ETA 0:42}. On an interactive console it redraws one line; otherwise (CI logs, pipes) it prints a
 * plain line at most every 10% so logs stay short. The ETA extrapolates the rate since the first
 * update, so a stage that resumes half-way (its first update at 50%) is not credited with the work
 * done before.
 *
 * @implNote not thread-safe; call {@link #update} from one thread.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long start;
    private long firstDone = -1;
    private long firstTime;
    private long lastDraw;
    private int lastDecile = -1;
    private boolean closed;

    /**
     * @param out where to draw
     * @param label the stage name
     * @param total the number of units of work (0 if unknown)
     */
    public ProgressBar(PrintWriter out, String label, long total) {
        this(out, label, total, System.console() != null, System::nanoTime);
    }

    ProgressBar(
            PrintWriter out, String label, long total, boolean interactive, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.interactive = interactive;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /**
     * @param done units done so far
     * @param note extra figures to show (e.g. {@code "loss 0.41"}), or {@code null}
     */
    public void update(long done, String note) {
        long now = clock.getAsLong();
        if (firstDone < 0) {
            firstDone = done;
            firstTime = now;
        }
        int decile = total > 0 ? (int) Math.min(10, done * 10 / total) : -1;
        if (interactive) {
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(done, note, now) + "   ");
            out.flush();
        } else if (decile != lastDecile && decile >= 0) {
            lastDecile = decile;
            out.println(line(done, note, now));
            out.flush();
        }
    }

    private String line(long done, String note, long now) {
        double elapsed = (now - start) / 1e9;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s", label));
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
            sb.append(" [")
                    .append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled))
                    .append("] ");
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%3d%%  %,d/%,d",
                            (int) (100.0 * done / total),
                            done,
                            total));
        } else {
            sb.append(String.format(Locale.ROOT, " %,d", done));
        }
        if (note != null && !note.isEmpty()) {
            sb.append("  ").append(note);
        }
        if (total > 0 && done > firstDone && done < total) {
            double rate = (done - firstDone) / ((now - firstTime) / 1e9);
            sb.append("  ETA ").append(clock((total - done) / rate));
        } else {
            sb.append("  ").append(clock(elapsed));
        }
        return sb.toString();
    }

    /**
     * @param seconds a duration
     * @return {@code m:ss} or {@code h:mm:ss}
     */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (!closed && interactive) {
            out.println();
            out.flush();
        }
        closed = true;
    }
}
