package org.lcrec.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    private static final int BLUE = new Color(0, 114, 178).getRGB();
    private static final int ORANGE = new Color(230, 159, 0).getRGB();

    private static BufferedImage read(Path png) throws Exception {
        assertThat(png).isRegularFile();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("%s decodes as an image", png).isNotNull();
        return img;
    }

    @Test
    void codeUsageDrawsFullBarsForTheBusiestCodeAndNoneForUnused(@TempDir Path tmp)
            throws Exception {
        Path png =
                Charts.codeUsage(
                        tmp.resolve("codes.png"), new int[][] {{4, 0, 2, 0}, {1, 1, 1, 1}});
        BufferedImage img = read(png);
        assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(img.getHeight()).isEqualTo(40 + 2 * Charts.LEVEL_HEIGHT);
        // level a: plot x from 70 to 780, 4 codes of 177.5 px; plot y from 50 to 170 (height 120)
        int pw = Charts.WIDTH - 90;
        int code0 = 70 + pw / 8;
        int code1 = 70 + 3 * pw / 8;
        int code2 = 70 + 5 * pw / 8;
        assertThat(img.getRGB(code0, 50 + 30)).as("code 0, full bar, upper part").isEqualTo(BLUE);
        assertThat(img.getRGB(code1, 165)).as("code 1 unused").isNotEqualTo(BLUE);
        // code 2 has half the items: filled near the bottom, empty above the middle
        assertThat(img.getRGB(code2, 165)).isEqualTo(BLUE);
        assertThat(img.getRGB(code2, 80)).isNotEqualTo(BLUE);
        // level b (second palette colour) is flat: every code filled at the strip's top
        assertThat(img.getRGB(code1, 210 + 5)).isEqualTo(ORANGE);
        assertThat(tmp).isDirectoryContaining(p -> p.getFileName().toString().equals("codes.png"));
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).as("no temp file left behind").isEqualTo(1);
        }
    }

    @Test
    void lossCurveRunsFromTopLeftToBottomRight(@TempDir Path tmp) throws Exception {
        BufferedImage img =
                read(
                        Charts.lossCurve(
                                tmp.resolve("loss.png"), "loss", List.of(4.0, 3.0, 2.0, 1.0)));
        assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(img.getHeight()).isEqualTo(Charts.HEIGHT);
        // plot area x 70..780, y 40..360: first point at (70, 40), last at (780, 360)
        assertThat(near(img, 72, 42, BLUE)).isTrue();
        assertThat(near(img, 778, 358, BLUE)).isTrue();
        // the midpoint of a straight line from (70,40) to (780,360)
        assertThat(near(img, 425, 200, BLUE)).isTrue();
        assertThat(near(img, 425, 80, BLUE)).isFalse();
    }

    @Test
    void metricsDrawsOneBarPerRunInEachGroup(@TempDir Path tmp) throws Exception {
        Map<String, Map<String, Double>> runs = new LinkedHashMap<>();
        runs.put("a", Map.of("hr@10", 0.5));
        runs.put("b", Map.of("hr@10", 1.0));
        BufferedImage img = read(Charts.metrics(tmp.resolve("m.png"), "test", runs));
        // y top 1.1: b's bar reaches 1/1.1 of the plot height; a's half of that
        int ph = Charts.HEIGHT - 80;
        int base = 40 + ph;
        // group spans 71..781; bars 284 px wide from x = 141 (a) and 425 (b)
        assertThat(img.getRGB(280, base - 5)).isEqualTo(BLUE);
        assertThat(img.getRGB(280, base - (int) (0.5 / 1.1 * ph) + 5)).isEqualTo(BLUE);
        assertThat(img.getRGB(280, base - (int) (0.5 / 1.1 * ph) - 5)).isNotEqualTo(BLUE);
        assertThat(img.getRGB(560, base - (int) (1 / 1.1 * ph) + 5)).isEqualTo(ORANGE);
    }

    @Test
    void badInputNamesTheFileAndTheProblem(@TempDir Path tmp) {
        Path f = tmp.resolve("x.png");
        assertThatThrownBy(() -> Charts.lossCurve(f, "t", List.of(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.png")
                .hasMessageContaining("none finite");
        assertThatThrownBy(() -> Charts.codeUsage(f, new int[0][]))
                .hasMessageContaining("at least one level");
        assertThatThrownBy(
                        () ->
                                Charts.metrics(
                                        f,
                                        "t",
                                        Map.of(
                                                "a",
                                                Map.of("hr@1", 1.0),
                                                "b",
                                                Map.of("ndcg@1", 1.0))))
                .hasMessageContaining("share no metric");
        assertThat(f).doesNotExist();
    }

    /** Whether a pixel within 3 px of (x, y) has the colour. */
    private static boolean near(BufferedImage img, int x, int y, int rgb) {
        for (int dx = -3; dx <= 3; dx++) {
            for (int dy = -3; dy <= 3; dy++) {
                int px = x + dx;
                int py = y + dy;
                if (px >= 0 && py >= 0 && px < img.getWidth() && py < img.getHeight()) {
                    Color c = new Color(img.getRGB(px, py));
                    Color want = new Color(rgb);
                    int d =
                            Math.abs(c.getRed() - want.getRed())
                                    + Math.abs(c.getGreen() - want.getGreen())
                                    + Math.abs(c.getBlue() - want.getBlue());
                    if (d < 60) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
