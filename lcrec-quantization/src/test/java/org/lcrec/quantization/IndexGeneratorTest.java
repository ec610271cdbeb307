package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.LcRecFiles;

class IndexGeneratorTest {
    @TempDir Path dir;

    /** Gaussian clusters plus {@code copies} identical copies of item 0 appended. */
    private static Embeddings withDuplicates(int n, int d, int copies, long seed) {
        Embeddings base = Embeddings.gaussianClusters(n, d, 6, 3.0, seed);
        float[] x = Arrays.copyOf(base.toArray(), (n + copies) * d);
        for (int c = 0; c < copies; c++) {
            System.arraycopy(x, 0, x, (n + c) * d, d);
        }
        return Embeddings.of(x, n + copies, d);
    }

    @Test
    void identicalItemsAreSeparatedAndNothingCollides() {
        Embeddings x = withDuplicates(400, 8, 9, 21);
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(3).codes(16).seed(3).build())
                        .fit(x);
        for (boolean mapping : new boolean[] {true, false}) {
            GeneratedIndex g =
                    new IndexGenerator(IndexConfig.lcRec().withUniformMapping(mapping))
                            .generate(m, x);
            IndexStatistics s = g.statistics();
            assertThat(g.index().collisions().groups()).isEmpty();
            assertThat(s.collisionsFinal()).isZero();
            // the 10 identical items collide before resolution, so at least 9 moved
            assertThat(s.collisionsAfterMapping()).isGreaterThanOrEqualTo(9);
            assertThat(s.itemsMoved()).isGreaterThanOrEqualTo(9);
            assertThat(s.levels()).isEqualTo(3);
            assertThat(s.levelsAdded()).isZero();
            // the identical items share the first levels and differ on the last
            int[] last = new int[10];
            for (int c = 0; c < 10; c++) {
                int item = c == 0 ? 0 : 400 + c - 1;
                assertThat(g.index().get(item).code(0)).isEqualTo(g.index().get(0).code(0));
                assertThat(g.index().get(item).code(1)).isEqualTo(g.index().get(0).code(1));
                last[c] = g.index().get(item).code(2);
            }
            assertThat(Arrays.stream(last).distinct().count()).isEqualTo(10);
        }
    }

    /**
     * The mapping step alone, batch by batch over encodings of the batches' items, gives the codes
     * of a whole pass; resolving those codes without mapping gives the whole generator's index.
     * This is the split lcrec-spark runs on several machines.
     */
    @Test
    void theMappingStepAloneBatchByBatchIsTheWholePass() {
        Embeddings x = withDuplicates(300, 8, 4, 5);
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(3).codes(8).seed(4).build())
                        .fit(x);
        IndexConfig ic = new IndexConfig(true, IndexConfig.LCREC_EPSILON, 50, 64, 1);
        IndexGenerator gen = new IndexGenerator(ic);
        Encoding enc = m.encode(x, 1);
        Codebook last = m.codebook(2);
        int n = enc.items();
        int d = enc.latentDim();
        int[] mapped = gen.uniformMapping(enc, last);
        int[] codes = enc.codes();
        float[] res = enc.lastResiduals();
        for (int start = 0; start < n; start += 64) {
            int b = Math.min(64, n - start);
            Encoding part =
                    new Encoding(
                            b,
                            3,
                            Arrays.copyOfRange(codes, start * 3, (start + b) * 3),
                            Arrays.copyOfRange(res, start * d, (start + b) * d),
                            d,
                            new double[4],
                            0);
            assertThat(gen.uniformMapping(part, last))
                    .as("batch at %d", start)
                    .isEqualTo(Arrays.copyOfRange(mapped, start, start + b));
        }
        for (int i = 0; i < n; i++) {
            codes[i * 3 + 2] = mapped[i];
        }
        Encoding premapped =
                new Encoding(n, 3, codes, res, d, enc.meanResidualNorms(), enc.reconstructionMse());
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> 10 * i);
        assertThat(
                        new IndexGenerator(ic.withUniformMapping(false))
                                .generate(premapped, last, ids)
                                .index())
                .isEqualTo(gen.generate(enc, last, ids).index());
    }

    @Test
    void resolutionIsTheMinimumDistanceChoiceOfFreeCodes() {
        // one level, K = 6: all 5 items want code 0; brute force over injective maps to codes
        float[] books = new float[6 * 2];
        float[][] pts = {{0, 0}, {3, 0}, {0, 3}, {-3, 0}, {0, -3}, {5, 5}};
        for (int c = 0; c < 6; c++) {
            books[c * 2] = pts[c][0];
            books[c * 2 + 1] = pts[c][1];
        }
        Codebook cb = new Codebook(books, 6, 2);
        float[] items = {0.1f, 0.2f, 0.5f, -0.1f, -0.2f, 0.4f, 0.3f, -0.5f, -0.4f, -0.3f};
        Encoding enc = new Encoding(5, 1, new int[5], items, 2, new double[] {1, 0}, 0);
        GeneratedIndex g =
                new IndexGenerator(IndexConfig.lcRec().withUniformMapping(false))
                        .generate(enc, cb, new int[] {10, 11, 12, 13, 14});
        double ours = 0;
        int[] codes = new int[5];
        for (int i = 0; i < 5; i++) {
            codes[i] = g.index().get(10 + i).code(0);
            ours += dist(items, i, books, codes[i]);
        }
        assertThat(Arrays.stream(codes).distinct().count()).isEqualTo(5);
        assertThat(ours).isCloseTo(brute(items, books, 0, new boolean[6]), within(1e-9));
        assertThat(g.statistics().collisionsNearest()).isEqualTo(4);
        assertThat(g.statistics().itemsMoved()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aPrefixGroupLargerThanTheCodebookGetsAnExtraLevel() {
        // 30 identical items, K = 4: a 2-level ID holds at most 4 distinct last codes per prefix
        float[] x = new float[30 * 3];
        Arrays.fill(x, 1f);
        Embeddings e = Embeddings.of(x, 30, 3);
        float[] book = {1, 1, 1, 0, 0, 0, 2, 2, 2, -1, -1, -1};
        RqKMeansModel m =
                new RqKMeansModel(
                        new Codebook[] {new Codebook(book, 4, 3), new Codebook(book, 4, 3)},
                        3,
                        RqKMeansConfig.builder().levels(2).codes(4).build(),
                        new double[2]);
        GeneratedIndex g = new IndexGenerator(IndexConfig.lcRec()).generate(m, e);
        assertThat(g.index().levels()).isEqualTo(3);
        assertThat(g.statistics().levelsAdded()).isEqualTo(1);
        assertThat(g.index().collisions().groups()).isEmpty();
        // spread evenly: 30 items over 4 last codes = at most 8 per code
        int[] load = new int[4];
        for (int i = 0; i < 30; i++) {
            load[g.index().get(i).code(1)]++;
        }
        assertThat(Arrays.stream(load).max().getAsInt()).isEqualTo(8);
    }

    @Test
    void sameSeedGivesTheSameIndexFileAndItReadsBack() throws Exception {
        Embeddings x = withDuplicates(300, 6, 4, 8);
        RqKMeansConfig cfg = RqKMeansConfig.builder().levels(3).codes(8).seed(77).build();
        Path f1 = dir.resolve("a.index.json");
        Path f2 = dir.resolve("b.index.json");
        GeneratedIndex g1 =
                new IndexGenerator(IndexConfig.lcRec())
                        .generate(new RqKMeansTrainer(cfg).fit(x), x);
        g1.writeIndexJson(f1);
        new IndexGenerator(IndexConfig.lcRec().withNumThreads(2))
                .generate(new RqKMeansTrainer(cfg.withNumThreads(2)).fit(x), x)
                .writeIndexJson(f2);
        assertThat(Files.readAllBytes(f2)).isEqualTo(Files.readAllBytes(f1));
        SemanticIndex back = LcRecFiles.readIndex(f1);
        assertThat(back).isEqualTo(g1.index());
        assertThat(Files.readString(f1)).startsWith("{\"0\": [\"<a_");
    }

    @Test
    void statisticsAreConsistent() {
        Embeddings x = Embeddings.gaussianClusters(256, 8, 4, 4.0, 12);
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(3).codes(8).seed(1).build())
                        .fit(x);
        IndexStatistics s = new IndexGenerator(IndexConfig.lcRec()).generate(m, x).statistics();
        assertThat(s.items()).isEqualTo(256);
        assertThat(s.levels()).isEqualTo(3 + s.levelsAdded());
        assertThat(s.perplexity()).hasSize(s.levels());
        for (int l = 0; l < 3; l++) {
            assertThat(s.perplexity()[l]).isBetween(1.0, 8.0 + 1e-9);
        }
        // uniform mapping spreads the last level nearly evenly over 8 codes
        assertThat(s.perplexity()[2]).isGreaterThan(7.5);
        assertThat(Arrays.copyOf(s.codesUsed(), 3)).containsExactly(8, 8, 8);
        assertThat(s.toString()).contains("collisionsFinal=0");
    }

    private static double dist(float[] x, int i, float[] b, int c) {
        double dx = x[i * 2] - b[c * 2];
        double dy = x[i * 2 + 1] - b[c * 2 + 1];
        return dx * dx + dy * dy;
    }

    private static double brute(float[] x, float[] b, int i, boolean[] used) {
        if (i == 5) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < 6; c++) {
            if (!used[c]) {
                used[c] = true;
                best = Math.min(best, dist(x, i, b, c) + brute(x, b, i + 1, used));
                used[c] = false;
            }
        }
        return best;
    }

    @Test
    void mappingInSmallBatchesAndWithThreadsStillGivesADistinctIndex() {
        Embeddings x = withDuplicates(300, 6, 5, 31);
        RqKMeansModel m =
                new RqKMeansTrainer(RqKMeansConfig.builder().levels(3).codes(8).seed(2).build())
                        .fit(x);
        IndexConfig small = new IndexConfig(true, 0.003, 50, 37, 3);
        GeneratedIndex a = new IndexGenerator(small).generate(m, x);
        GeneratedIndex b = new IndexGenerator(small).generate(m, x);
        assertThat(a.index().collisions().groups()).isEmpty();
        assertThat(a.index()).isEqualTo(b.index());
        IndexStatistics s = a.statistics();
        if (s.levelsAdded() == 0) {
            // every group of k items sharing an ID must see at least k - 1 of them move
            assertThat(s.itemsMoved()).isGreaterThanOrEqualTo(s.collisionsAfterMapping());
        } else {
            // 305 items, 8 x 8 prefixes: some prefix group outgrew 8 codes and got a 4th level
            assertThat(a.index().levels()).isEqualTo(4);
        }
    }
}
