package org.lcrec.core.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.lcrec.core.io.AtomicFiles;

/**
 * PNG charts of the SDK's results, drawn without a display ({@code java.awt.headless} is set when
 * this class loads unless already given) and written atomically: a training-loss curve, the
 * code-usage histogram of every index level, and grouped bars comparing runs' metrics. Every chart
 * is {@value #WIDTH} x {@value #HEIGHT} pixels (the code-usage chart grows with the levels).
 *
 * <pre>{@code
 * Charts.lossCurve(Path.of("loss.png"), "SFT loss", result.losses());
 * Charts.codeUsage(Path.of("codes.png"), generated.codeUsage());
 * Charts.metrics(Path.of("metrics.png"), "test", Map.of("trie", a.mean(), "per-position", b.mean()));
 * }</pre>
 *
 * @implNote stateless and thread-safe; each call draws into its own image.
 */
public final class Charts {
    /** Chart width in pixels. */
    public static final int WIDTH = 800;

    /** Chart height in pixels (per level for {@link #codeUsage}: {@value #LEVEL_HEIGHT}). */
    public static final int HEIGHT = 400;

    /** Height of one level's strip in {@link #codeUsage}. */
    static final int LEVEL_HEIGHT = 160;

    /** Margins around the plot area: room for the title and the axis labels. */
    private static final int LEFT = 70;

    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;

    /** Colours of successive series (colour-blind-safe Okabe-Ito palette). */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178),
        new Color(230, 159, 0),
        new Color(0, 158, 115),
        new Color(204, 121, 167),
        new Color(86, 180, 233),
        new Color(213, 94, 0)
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /**
     * A line chart of losses by step (or epoch), the y axis from the lowest to the highest finite
     * loss; non-finite losses leave a gap.
     *
     * @param png the file to write
     * @param title the chart's title
     * @param losses one loss per step, in order
     * @return {@code png}
     * @throws IllegalArgumentException if there is no finite loss
     */
    public static Path lossCurve(Path png, String title, List<Double> losses) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : losses) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            throw new IllegalArgumentException(
                    png
                            + ": a loss curve needs at least one finite loss, found "
                            + losses.size()
                            + " value(s) and none finite");
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        BufferedImage img = canvas(WIDTH, HEIGHT);
        Graphics2D g = graphics(img);
        title(g, title, WIDTH);
        int pw = WIDTH - LEFT - RIGHT;
        int ph = HEIGHT - TOP - BOTTOM;
        axes(g, LEFT, TOP, pw, ph, lo, hi);
        g.setColor(Color.DARK_GRAY);
        g.drawString("step", LEFT + pw / 2 - 10, HEIGHT - 8);
        g.drawString("1", LEFT, TOP + ph + 16);
        String last = Integer.toString(losses.size());
        g.drawString(last, LEFT + pw - g.getFontMetrics().stringWidth(last), TOP + ph + 16);
        g.setColor(PALETTE[0]);
        g.setStroke(new BasicStroke(2f));
        int n = losses.size();
        int px = -1;
        int py = -1;
        for (int i = 0; i < n; i++) {
            double v = losses.get(i);
            if (!Double.isFinite(v)) {
                px = -1;
                continue;
            }
            int x = LEFT + (n == 1 ? pw / 2 : (int) Math.round((double) i * pw / (n - 1)));
            int y = TOP + (int) Math.round((hi - v) / (hi - lo) * ph);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            } else {
                g.fillOval(x - 2, y - 2, 5, 5);
            }
            px = x;
            py = y;
        }
        g.dispose();
        return write(png, img);
    }

    /**
     * One bar chart per index level: items per code, codes in order, as from {@code
     * GeneratedIndex.codeUsage()} of lcrec-quantization.
     *
     * @param png the file to write
     * @param usage {@code [level][code]} item counts
     * @return {@code png}
     * @throws IllegalArgumentException if there is no level or a level has no code
     */
    public static Path codeUsage(Path png, int[][] usage) {
        if (usage.length == 0) {
            throw new IllegalArgumentException(png + ": code usage needs at least one level");
        }
        int height = TOP + usage.length * LEVEL_HEIGHT;
        BufferedImage img = canvas(WIDTH, height);
        Graphics2D g = graphics(img);
        title(g, "items per code, by level", WIDTH);
        int pw = WIDTH - LEFT - RIGHT;
        for (int l = 0; l < usage.length; l++) {
            int[] counts = usage[l];
            if (counts.length == 0) {
                throw new IllegalArgumentException(png + ": level " + l + " has no codes");
            }
            int max = 1;
            int used = 0;
            for (int c : counts) {
                max = Math.max(max, c);
                used += c > 0 ? 1 : 0;
            }
            int top = TOP + l * LEVEL_HEIGHT + 10;
            int ph = LEVEL_HEIGHT - 40;
            axes(g, LEFT, top, pw, ph, 0, max);
            g.setColor(Color.DARK_GRAY);
            g.drawString(
                    String.format(
                            Locale.ROOT,
                            "level %c: %d/%d codes used",
                            (char) ('a' + l),
                            used,
                            counts.length),
                    LEFT + 8,
                    top + 14);
            g.setColor(PALETTE[l % PALETTE.length]);
            double w = (double) pw / counts.length;
            for (int c = 0; c < counts.length; c++) {
                int h = (int) Math.round((double) counts[c] / max * ph);
                int x0 = LEFT + (int) Math.floor(c * w);
                int x1 = LEFT + (int) Math.floor((c + 1) * w);
                g.fillRect(x0, top + ph - h, Math.max(1, x1 - x0 - (w >= 3 ? 1 : 0)), h);
            }
        }
        g.dispose();
        return write(png, img);
    }

    /**
     * Grouped bars: one group per metric (in the first run's order), one bar per run.
     *
     * @param png the file to write
     * @param title the chart's title
     * @param runs run name → metric → value, e.g. {@code EvaluationResult.mean()} of each run
     * @return {@code png}
     * @throws IllegalArgumentException if there is no run, or the runs share no metric
     */
    public static Path metrics(Path png, String title, Map<String, Map<String, Double>> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(png + ": a metrics chart needs at least one run");
        }
        List<String> names = new ArrayList<>(runs.keySet());
        List<String> metrics = new ArrayList<>();
        for (String m : runs.get(names.get(0)).keySet()) {
            boolean shared = true;
            for (Map<String, Double> r : runs.values()) {
                shared &= r.containsKey(m);
            }
            if (shared) {
                metrics.add(m);
            }
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException(
                    png + ": the runs " + names + " share no metric to chart");
        }
        double hi = 0;
        for (Map<String, Double> r : runs.values()) {
            for (String m : metrics) {
                double v = r.get(m);
                if (Double.isFinite(v)) {
                    hi = Math.max(hi, v);
                }
            }
        }
        hi = hi <= 0 ? 1 : hi * 1.1;
        BufferedImage img = canvas(WIDTH, HEIGHT);
        Graphics2D g = graphics(img);
        title(g, title, WIDTH);
        int pw = WIDTH - LEFT - RIGHT;
        int ph = HEIGHT - TOP - BOTTOM;
        axes(g, LEFT, TOP, pw, ph, 0, hi);
        double group = (double) pw / metrics.size();
        double bar = group * 0.8 / names.size();
        FontMetrics fm = g.getFontMetrics();
        for (int m = 0; m < metrics.size(); m++) {
            double gx = LEFT + m * group + group * 0.1;
            for (int r = 0; r < names.size(); r++) {
                double v = runs.get(names.get(r)).get(metrics.get(m));
                int h = Double.isFinite(v) ? (int) Math.round(v / hi * ph) : 0;
                g.setColor(PALETTE[r % PALETTE.length]);
                g.fillRect((int) (gx + r * bar), TOP + ph - h, Math.max(1, (int) bar - 2), h);
            }
            g.setColor(Color.DARK_GRAY);
            String label = metrics.get(m);
            g.drawString(
                    label,
                    (int) (LEFT + m * group + group / 2 - fm.stringWidth(label) / 2.0),
                    TOP + ph + 16);
        }
        int lx = LEFT + 8;
        for (int r = 0; r < names.size(); r++) {
            g.setColor(PALETTE[r % PALETTE.length]);
            g.fillRect(lx, TOP + 6, 10, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(names.get(r), lx + 14, TOP + 16);
            lx += 24 + fm.stringWidth(names.get(r));
        }
        g.dispose();
        return write(png, img);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void title(Graphics2D g, String title, int width) {
        Font f = g.getFont();
        g.setFont(f.deriveFont(Font.BOLD, 14f));
        g.setColor(Color.BLACK);
        g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 24);
        g.setFont(f);
    }

    /** The plot frame and the y axis's low, middle and high values. */
    private static void axes(Graphics2D g, int x, int y, int w, int h, double lo, double hi) {
        g.setColor(new Color(230, 230, 230));
        for (int i = 1; i < 4; i++) {
            int gy = y + h * i / 4;
            g.drawLine(x, gy, x + w, gy);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w, h);
        g.setColor(Color.DARK_GRAY);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i <= 2; i++) {
            double v = hi - (hi - lo) * i / 2;
            String s = label(v);
            g.drawString(s, x - 6 - fm.stringWidth(s), y + h * i / 2 + fm.getAscent() / 2);
        }
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e4 || a < 1e-2)) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        return a >= 100 || v == Math.rint(v)
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    private static Path write(Path png, BufferedImage img) {
        AtomicFiles.write(
                png,
                out -> {
                    if (!ImageIO.write(img, "png", out)) {
                        throw new IOException("no PNG writer available");
                    }
                });
        return png;
    }
}
