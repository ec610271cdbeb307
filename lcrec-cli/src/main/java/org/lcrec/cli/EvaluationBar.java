package org.lcrec.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.lcrec.inference.EvaluationProgress;

/**
 * A {@link ProgressBar} for an evaluation, showing users per second; opened on the first update.
 */
public final class EvaluationBar implements EvaluationProgress, AutoCloseable {
    private final PrintWriter out;
    private final String label;
    private final long t0 = System.nanoTime();
    private ProgressBar bar;

    /**
     * @param out where to draw
     * @param label the bar's label, e.g. {@code test}
     */
    public EvaluationBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public void update(long done, long total) {
        if (bar == null) {
            bar = new ProgressBar(out, label, total);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        bar.update(done, String.format(Locale.ROOT, "%.0f users/s", s > 0 ? done / s : 0.0));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    @Override
    public String toString() {
        return "EvaluationBar(" + label + ")";
    }
}
