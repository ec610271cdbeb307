package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {
    private static final SyntheticDataset CONFIG = SyntheticDataset.defaults();
    private static final Dataset DATA = CONFIG.generate();
    private static final SyntheticDataset.TrueModel MODEL = CONFIG.trueModel();

    @Test
    void sameSeedWritesIdenticalBytesOtherSeedOtherData(@TempDir Path tmp) throws IOException {
        DATA.write(tmp.resolve("a"));
        SyntheticDataset.defaults().generate().write(tmp.resolve("b"));
        SyntheticDataset.defaults().withSeed(7).generate().write(tmp.resolve("c"));
        for (String f : new String[] {"inter", "item", "index", "user"}) {
            String name = "Synthetic." + f + ".json";
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(name));
            assertThat(a).as(name).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(name)));
            assertThat(a).as(name).isNotEqualTo(Files.readAllBytes(tmp.resolve("c").resolve(name)));
        }
        assertThat(Dataset.load(tmp.resolve("a"))).isEqualTo(DATA);
    }

    @Test
    void invariantsHold() {
        Interactions in = DATA.interactions();
        assertThat(in.userCount()).isEqualTo(2000);
        assertThat(DATA.items().size()).isEqualTo(600);
        assertThat(in.minLength()).isGreaterThanOrEqualTo(5);
        assertThat(in.maxLength()).isLessThanOrEqualTo(20);
        for (int r = 0; r < in.userCount(); r++) {
            Set<Integer> seen = new HashSet<>();
            for (int p = 0; p < in.length(r); p++) {
                assertThat(seen.add(in.item(r, p))).as("repeat in user %s", in.user(r)).isTrue();
            }
        }
        assertThat(DATA.index().collisions().groups()).isEmpty();
        assertThat(DATA.index().levels()).isEqualTo(3);
        for (int item : DATA.index().itemIds()) {
            for (int code : DATA.index().get(item).codes()) {
                assertThat(code).isBetween(0, SyntheticDataset.CODEBOOK_SIZE - 1);
            }
        }
        assertThat(DATA.items().get(0).title()).isNotEmpty();
        assertThat(DATA.users().preferences()).hasSize(2000);
        assertThat(DATA.users().testIntentions().get("0").item())
                .isEqualTo(in.sequence("0")[in.length(0) - 1]);
        // small configurations (as other modules' tests use) still generate
        Dataset small = SyntheticDataset.defaults().withSize(12, 60).generate();
        assertThat(small.interactions().userCount()).isEqualTo(12);
        assertThat(small.index().collisions().groups()).isEmpty();
    }

    /** The texts carry the attributes: an item's title names its topic noun, tier and style. */
    @Test
    void textsAreWrittenFromTheAttributes() {
        Item item = DATA.items().get(0);
        assertThat(item.title()).startsWith(item.brand() + " ");
        assertThat(item.description()).contains("made of").contains("Priced at $");
        assertThat(item.categories()).startsWith("Musical Instruments, ");
        // items sharing the first two index codes share topic noun (category) and tier/style cell
        SemanticIndex index = DATA.index();
        for (int i = 1; i < 600; i++) {
            int[] a = index.get(0).codes();
            int[] b = index.get(i).codes();
            if (a[0] == b[0] && a[1] == b[1]) {
                assertThat(DATA.items().get(i).categories()).isEqualTo(item.categories());
                assertThat(phrase(DATA.items().get(i))).isEqualTo(phrase(item));
            }
        }
    }

    /** The tier and style phrase of a description: the text between ": " and ". Features". */
    private static String phrase(Item item) {
        String d = item.description();
        return d.substring(d.indexOf(": ") + 2, d.indexOf(". Features"));
    }

    @Test
    void trueDistributionSumsToOneAndIsZeroExactlyOnThePrefix() {
        Interactions in = DATA.interactions();
        for (int r = 0; r < 50; r++) {
            int[] seq = in.sequence(r);
            for (int p = 0; p < seq.length; p++) {
                int[] prefix = java.util.Arrays.copyOf(seq, p);
                double[] q = MODEL.nextItemProbabilities(r, prefix);
                assertThat(q).hasSize(600);
                double sum = 0;
                for (double x : q) {
                    sum += x;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-12));
                Set<Integer> inPrefix = new HashSet<>();
                for (int i : prefix) {
                    inPrefix.add(i);
                    assertThat(q[i]).isZero();
                }
                for (int i = 0; i < q.length; i++) {
                    if (!inPrefix.contains(i)) {
                        assertThat(q[i]).as("item %d", i).isPositive();
                    }
                }
            }
        }
        // same question, same answer; another model of the same configuration agrees
        int[] seq = in.sequence(3);
        assertThat(CONFIG.trueModel().nextItemProbabilities(3, seq))
                .containsExactly(MODEL.nextItemProbabilities(3, seq));
        assertThatThrownBy(() -> MODEL.nextItemProbabilities(2000, new int[0]))
                .hasMessageContaining("expected a user row in [0, 2000), found 2000");
        assertThatThrownBy(() -> MODEL.nextItemProbabilities(0, new int[] {4, 600}))
                .hasMessageContaining("prefix position 1: expected an item in [0, 600), found 600");
        assertThatThrownBy(() -> MODEL.nextItemProbabilities(0, new int[] {4, 5, 4}))
                .hasMessageContaining("prefix position 2: item 4 repeats");
    }

    /**
     * The generated items were drawn from the exposed distribution. Every step of every user (17k
     * draws) is put into five buckets by the probability the distribution gave the item drawn; the
     * expected count of a bucket is the summed probability mass of its items over all steps.
     * Pearson's statistic (4 degrees of freedom) must stay below 18.47, the chi-square 99.9%
     * quantile. The test has power: the same distribution tempered to {@code q^0.8} (flatter) or
     * {@code q^1.25} (sharper) is rejected.
     */
    @Test
    void generatedItemsFollowTheExposedDistribution() {
        double[] bounds = {0.1, 0.03, 0.01, 0.003, 0};
        double chi = calibration(bounds, 1.0);
        System.out.printf(Locale.ROOT, "calibration chi-square (4 df): %.2f%n", chi);
        assertThat(chi).isLessThan(18.47);
        assertThat(calibration(bounds, 0.8)).isGreaterThan(18.47);
        assertThat(calibration(bounds, 1.25)).isGreaterThan(18.47);
    }

    private static double calibration(double[] bounds, double temper) {
        Interactions in = DATA.interactions();
        double[] expected = new double[bounds.length];
        double[] observed = new double[bounds.length];
        for (int r = 0; r < in.userCount(); r++) {
            int[] seq = in.sequence(r);
            for (int p = 0; p < seq.length; p++) {
                double[] q = MODEL.nextItemProbabilities(r, java.util.Arrays.copyOf(seq, p));
                double total = 0;
                for (int i = 0; i < q.length; i++) {
                    q[i] = Math.pow(q[i], temper);
                    total += q[i];
                }
                for (int i = 0; i < q.length; i++) {
                    if (q[i] > 0) {
                        expected[bucket(bounds, q[i] / total)] += q[i] / total;
                    }
                }
                observed[bucket(bounds, q[seq[p]] / total)]++;
            }
        }
        double chi = 0;
        for (int b = 0; b < bounds.length; b++) {
            chi += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
        }
        return chi;
    }

    private static int bucket(double[] bounds, double q) {
        int b = 0;
        while (q < bounds[b]) {
            b++;
        }
        return b;
    }

    /**
     * The data has the intended structure: on every user's test item, ranking by the true
     * distribution beats a last-item transition count by a clear margin, and the count beats
     * popularity. Both baselines are fitted on the visible part of every sequence (all but the test
     * item) and never recommend an item of the history; ties go to the more popular item.
     */
    @Test
    void theTrueDistributionBeatsTransitionCountsWhichBeatPopularity() {
        Interactions in = DATA.interactions();
        int n = 600;
        int[][] follows = new int[n][n];
        int[] count = new int[n];
        for (int r = 0; r < in.userCount(); r++) {
            int visible = in.length(r) - 1;
            for (int p = 0; p < visible; p++) {
                count[in.item(r, p)]++;
                if (p > 0) {
                    follows[in.item(r, p - 1)][in.item(r, p)]++;
                }
            }
        }
        double[] popularity = new double[n];
        for (int i = 0; i < n; i++) {
            popularity[i] = count[i];
        }
        double[][] metrics = new double[3][2]; // optimum, transition, popularity x (hr, ndcg)
        for (int r = 0; r < in.userCount(); r++) {
            int[] seq = in.sequence(r);
            int[] history = java.util.Arrays.copyOf(seq, seq.length - 1);
            int target = seq[seq.length - 1];
            double[] transition = new double[n];
            for (int i = 0; i < n; i++) {
                // counts first, popularity breaks ties (below one count)
                transition[i] =
                        follows[history[history.length - 1]][i]
                                + count[i] / (in.userCount() * 20.0);
            }
            score(metrics[0], MODEL.nextItemProbabilities(r, history), history, target);
            score(metrics[1], transition, history, target);
            score(metrics[2], popularity, history, target);
        }
        String[] names = {"true distribution", "transition count", "popularity"};
        for (int b = 0; b < 3; b++) {
            metrics[b][0] /= in.userCount();
            metrics[b][1] /= in.userCount();
            System.out.printf(
                    Locale.ROOT,
                    "%-18s HR@10 %.4f  NDCG@10 %.4f%n",
                    names[b],
                    metrics[b][0],
                    metrics[b][1]);
        }
        assertThat(metrics[0][0]).isBetween(0.3, 0.6);
        assertThat(metrics[0][0]).isGreaterThan(metrics[1][0] + 0.1);
        assertThat(metrics[1][0]).isGreaterThan(metrics[2][0] + 0.03);
        assertThat(metrics[0][1]).isGreaterThan(metrics[1][1]);
        assertThat(metrics[1][1]).isGreaterThan(metrics[2][1]);
    }

    /** Adds HR@10 and NDCG@10 of {@code target} under {@code scores}, history items excluded. */
    private static void score(double[] acc, double[] scores, int[] history, int target) {
        Set<Integer> seen = new HashSet<>();
        for (int h : history) {
            seen.add(h);
        }
        int rank = 1;
        for (int i = 0; i < scores.length; i++) {
            boolean ahead =
                    scores[i] > scores[target] || (scores[i] == scores[target] && i < target);
            if (i != target && !seen.contains(i) && ahead) {
                rank++;
            }
        }
        if (rank <= 10) {
            acc[0] += 1;
            acc[1] += 1 / (Math.log(rank + 1) / Math.log(2));
        }
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThatThrownBy(() -> new SyntheticDataset(1, 0, 10, 2, 5, 8))
                .hasMessageContaining("users=0");
        assertThatThrownBy(() -> new SyntheticDataset(1, 10, 10, 20, 5, 8))
                .hasMessageContaining("topics");
        assertThatThrownBy(() -> new SyntheticDataset(1, 10, 10, 2, 5, 11))
                .hasMessageContaining("5..11");
        assertThatThrownBy(() -> new SyntheticDataset(1, 10, 2000, 1, 5, 8))
                .hasMessageContaining("2000 items in 1 topics");
    }
}
