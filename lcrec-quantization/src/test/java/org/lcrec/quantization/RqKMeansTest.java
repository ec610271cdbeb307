package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RqKMeansTest {
    @TempDir Path dir;

    private static RqKMeansConfig small() {
        return RqKMeansConfig.builder().levels(3).codes(8).maxIterations(30).seed(5).build();
    }

    @Test
    void residualNormFallsLevelByLevelAndCentresAreLloydFixedPoints() {
        Embeddings x = Embeddings.gaussianClusters(1200, 12, 8, 6.0, 11);
        RqKMeansModel m = new RqKMeansTrainer(small()).fit(x);
        Encoding enc = m.encode(x, 1);
        double[] r = enc.meanResidualNorms();
        assertThat(r).hasSize(4);
        for (int l = 1; l < r.length; l++) {
            assertThat(r[l]).as("level " + l).isLessThan(r[l - 1]);
        }
        // residual after the last level squared = reconstruction error
        assertThat(enc.reconstructionMse()).isGreaterThan(0).isLessThan(r[0] * r[0] / 12);
        // level 1 centres are the means of the items nearest to them (Lloyd fixed point, float)
        float[] c = m.codebook(0).toArray();
        double[] sum = new double[8 * 12];
        int[] cnt = new int[8];
        for (int i = 0; i < 1200; i++) {
            int a = enc.code(i, 0);
            cnt[a]++;
            for (int j = 0; j < 12; j++) {
                sum[a * 12 + j] += x.get(i, j);
            }
        }
        for (int a = 0; a < 8; a++) {
            assertThat(cnt[a]).isPositive();
            for (int j = 0; j < 12; j++) {
                assertThat((double) c[a * 12 + j])
                        .isCloseTo(sum[a * 12 + j] / cnt[a], within(1e-4));
            }
        }
    }

    @Test
    void firstLevelRecoversWellSeparatedClusters() {
        // 8 far-apart clusters, K = 8: items of one cluster share their level-1 code
        Embeddings x = Embeddings.gaussianClusters(800, 6, 8, 40.0, 3);
        RqKMeansModel m = new RqKMeansTrainer(small().toBuilder().levels(1).build()).fit(x);
        Encoding enc = m.encode(x, 2);
        // nearest true centre is unknown here, so check purity via pairwise distances: items with
        // the same code are close (< 10, cluster noise radius ~ sqrt(6)*3), different codes far
        for (int i = 0; i < 800; i += 7) {
            for (int j = i + 1; j < 800; j += 13) {
                double dist = 0;
                for (int k = 0; k < 6; k++) {
                    double dd = x.get(i, k) - x.get(j, k);
                    dist += dd * dd;
                }
                if (enc.code(i, 0) == enc.code(j, 0)) {
                    assertThat(Math.sqrt(dist)).isLessThan(15);
                }
            }
        }
        assertThat(
                        new IndexGenerator(IndexConfig.lcRec().withUniformMapping(false))
                                .generate(m, x)
                                .statistics()
                                .perplexity()[0])
                .isGreaterThan(6.0);
    }

    @Test
    void sameSeedSameModelAndThreadsDoNotChangeIt() {
        Embeddings x = Embeddings.gaussianClusters(500, 8, 5, 5.0, 2);
        RqKMeansModel a = new RqKMeansTrainer(small()).fit(x);
        RqKMeansModel b = new RqKMeansTrainer(small().withNumThreads(2)).fit(x);
        for (int l = 0; l < 3; l++) {
            assertThat(b.codebook(l).toArray()).containsExactly(a.codebook(l).toArray());
        }
        RqKMeansModel other = new RqKMeansTrainer(small().withSeed(6)).fit(x);
        assertThat(other.codebook(0).toArray()).isNotEqualTo(a.codebook(0).toArray());
    }

    @Test
    void balancedOptionEvensOutSkewedData() {
        // one dense blob with most of the mass plus a few outliers
        Embeddings x = Embeddings.gaussianClusters(640, 4, 2, 0.5, 9);
        RqKMeansConfig cfg = RqKMeansConfig.builder().levels(1).codes(16).seed(1).build();
        IndexGenerator gen = new IndexGenerator(IndexConfig.lcRec().withUniformMapping(false));
        double plain =
                gen.generate(new RqKMeansTrainer(cfg).fit(x), x).statistics().perplexity()[0];
        RqKMeansModel bal = new RqKMeansTrainer(cfg.toBuilder().balanced(true).build()).fit(x);
        double balanced = gen.generate(bal, x).statistics().perplexity()[0];
        assertThat(balanced).isGreaterThanOrEqualTo(plain - 1e-9).isGreaterThan(14.0);
    }

    @Test
    void saveLoadRoundTripAndVersionCheck() throws Exception {
        Embeddings x = Embeddings.gaussianClusters(300, 6, 4, 5.0, 4);
        RqKMeansModel m = new RqKMeansTrainer(small()).fit(x);
        Path f = dir.resolve("m.bin");
        m.save(f);
        RqKMeansModel back = RqKMeansModel.load(f);
        assertThat(back.config()).isEqualTo(m.config());
        assertThat(back.encode(x, 1).codes()).containsExactly(m.encode(x, 1).codes());
        Path bad = dir.resolve("v9.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(bad))) {
            out.writeUTF("lcrec-quantizer");
            out.writeInt(9);
            out.writeUTF("rq-kmeans");
        }
        assertThatThrownBy(() -> RqKMeansModel.load(bad))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining(
                        "unknown lcrec-quantizer format version 9 (this build reads version 1)");
    }

    @Test
    void badInputIsRejectedClearly() {
        Embeddings few = Embeddings.gaussianClusters(5, 3, 1, 1.0, 1);
        assertThatThrownBy(() -> new RqKMeansTrainer(small()).fit(few))
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining("fewer items (5) than codes per level (K = 8)");
        assertThatThrownBy(() -> RqKMeansConfig.builder().codes(0).build())
                .hasMessageContaining("codes (K) must be >= 1, found 0");
        assertThatThrownBy(() -> RqKMeansConfig.builder().balanceEpsilon(0).build())
                .hasMessageContaining("balanceEpsilon must be finite and > 0, found 0.0");
        Embeddings x = Embeddings.gaussianClusters(50, 3, 2, 1.0, 1);
        RqKMeansModel m = new RqKMeansTrainer(small()).fit(x);
        assertThatThrownBy(() -> m.encode(Embeddings.gaussianClusters(10, 4, 1, 1, 1), 1))
                .hasMessageContaining("expected embeddings of dimension 3, found 4");
        assertThat(small().toString())
                .isEqualTo(
                        "RqKMeansConfig(levels=3, codes=8, maxIterations=30, balanced=false,"
                                + " balanceEpsilon=0.01, seed=5, numThreads=1)");
    }
}
