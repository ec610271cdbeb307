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
                        "unknown lcrec-quantizer format version 9 (this build reads versions 1"
                                + " and 2)");
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
                                + " balanceEpsilon=0.01, seed=5, numThreads=1,"
                                + " maxPointsPerCode=256, distanceKernel=MATMUL)");
        assertThatThrownBy(() -> RqKMeansConfig.builder().maxPointsPerCode(-1).build())
                .hasMessageContaining("maxPointsPerCode must be >= 0 (0 = every item), found -1");
        assertThatThrownBy(() -> RqKMeansConfig.builder().distanceKernel(null).build())
                .hasMessageContaining("distanceKernel must be MATMUL or SCALAR, found null");
    }

    @Test
    void trainsOnASeededSampleAndEncodesEveryItem() {
        Embeddings x = Embeddings.gaussianClusters(6000, 8, 20, 4.0, 1);
        // 50 items per code x 16 codes: k-means sees 800 of the 6000 items
        RqKMeansConfig cfg =
                RqKMeansConfig.builder()
                        .levels(2)
                        .codes(16)
                        .maxIterations(40)
                        .seed(9)
                        .maxPointsPerCode(50)
                        .build();
        assertThat(cfg.trainingItems(6000)).isEqualTo(800);
        assertThat(cfg.trainingItems(500)).isEqualTo(500);
        assertThat(cfg.withMaxPointsPerCode(0).trainingItems(6000)).isEqualTo(6000);
        RqKMeansModel m = new RqKMeansTrainer(cfg).fit(x);
        // the level-1 centres are the means of the sample's items nearest to them: the model was
        // trained on exactly the rows sampleRows draws for this seed
        long sampleSeed = cfg.seed() ^ RqKMeansTrainer.SAMPLE_STREAM;
        float[] rows = RqKMeansTrainer.sampleRows(x.array(), 6000, 8, 800, sampleSeed);
        Encoding onSample = m.encode(Embeddings.of(rows, 800, 8), 1);
        double[] sum = new double[16 * 8];
        int[] cnt = new int[16];
        for (int i = 0; i < 800; i++) {
            int a = onSample.code(i, 0);
            cnt[a]++;
            for (int j = 0; j < 8; j++) {
                sum[a * 8 + j] += rows[i * 8 + j];
            }
        }
        float[] c = m.codebook(0).toArray();
        for (int a = 0; a < 16; a++) {
            assertThat(cnt[a]).isPositive();
            for (int j = 0; j < 8; j++) {
                assertThat((double) c[a * 8 + j]).isCloseTo(sum[a * 8 + j] / cnt[a], within(1e-4));
            }
        }
        Encoding all = m.encode(x, 2);
        assertThat(all.items()).isEqualTo(6000);
        // same seed, any thread count: the same model; another seed or no sample: another one
        RqKMeansModel again = new RqKMeansTrainer(cfg.withNumThreads(2)).fit(x);
        for (int l = 0; l < 2; l++) {
            assertThat(again.codebook(l).toArray()).containsExactly(m.codebook(l).toArray());
        }
        assertThat(new RqKMeansTrainer(cfg.withSeed(10)).fit(x).codebook(0).toArray())
                .isNotEqualTo(c);
        assertThat(new RqKMeansTrainer(cfg.withMaxPointsPerCode(0)).fit(x).codebook(0).toArray())
                .isNotEqualTo(c);
    }

    @Test
    void theSampleIsDistinctAscendingAndSeeded() {
        int[] a = RqKMeansTrainer.sample(1000, 300, 4);
        assertThat(a).hasSize(300).doesNotHaveDuplicates().isSorted();
        assertThat(a[0]).isGreaterThanOrEqualTo(0);
        assertThat(a[299]).isLessThan(1000);
        assertThat(RqKMeansTrainer.sample(1000, 300, 4)).containsExactly(a);
        assertThat(RqKMeansTrainer.sample(1000, 300, 5)).isNotEqualTo(a);
        assertThat(RqKMeansTrainer.sample(7, 7, 4)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        // roughly uniform: each half of the population holds about half of the sample
        long low =
                java.util.Arrays.stream(RqKMeansTrainer.sample(100_000, 10_000, 1))
                        .filter(i -> i < 50_000)
                        .count();
        assertThat(low).isBetween(4_800L, 5_200L);
    }

    @Test
    void bothKernelsTrainTheSameModelOnSeparatedClusters() {
        // 8 far-apart clusters, K = 8: no assignment is ever a near-tie
        Embeddings x = Embeddings.gaussianClusters(1600, 10, 8, 40.0, 12);
        RqKMeansConfig cfg = small().toBuilder().levels(1).build();
        RqKMeansModel fast = new RqKMeansTrainer(cfg).fit(x);
        RqKMeansModel ref =
                new RqKMeansTrainer(cfg.withDistanceKernel(DistanceKernel.SCALAR)).fit(x);
        assertThat(fast.codebook(0).toArray()).containsExactly(ref.codebook(0).toArray());
        assertThat(fast.encode(x, 1).codes()).containsExactly(ref.encode(x, 1).codes());
    }

    @Test
    void valuesTooLargeForFloat32ProductsNeedTheScalarKernel() {
        float[] v = Embeddings.gaussianClusters(40, 3, 2, 1.0, 1).toArray();
        v[5 * 3 + 2] = 2e18f;
        Embeddings x = Embeddings.of(v, 40, 3);
        RqKMeansConfig cfg = RqKMeansConfig.builder().levels(1).codes(4).build();
        assertThatThrownBy(() -> new RqKMeansTrainer(cfg).fit(x))
                .isInstanceOf(QuantizationException.class)
                .hasMessageStartingWith(
                        "RQ-KMeans: item 5, dimension 2: expected a magnitude <= 1.0E15");
        RqKMeansModel scalar =
                new RqKMeansTrainer(cfg.withDistanceKernel(DistanceKernel.SCALAR)).fit(x);
        assertThat(scalar.encode(x, 1).items()).isEqualTo(40);
        RqKMeansModel fast =
                new RqKMeansTrainer(cfg).fit(Embeddings.gaussianClusters(40, 3, 2, 1.0, 1));
        assertThatThrownBy(() -> fast.encode(x, 1))
                .isInstanceOf(QuantizationException.class)
                .hasMessageStartingWith(
                        "encode: item 5, dimension 2: expected a magnitude <= 1.0E15");
    }

    @Test
    void version1FilesLoadAsTrainedOnEveryItemWithScalarDistances() throws Exception {
        Path f = dir.resolve("v1.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(f))) {
            out.writeUTF("lcrec-quantizer");
            out.writeInt(1);
            out.writeUTF("rq-kmeans");
            out.writeInt(2); // dim
            out.writeInt(1); // levels
            out.writeInt(2); // codes
            out.writeInt(30); // maxIterations
            out.writeBoolean(false);
            out.writeDouble(0.01);
            out.writeLong(5);
            out.writeInt(1); // threads
            out.writeDouble(1.5); // inertia of level 1
            out.writeInt(2);
            out.writeInt(2);
            for (float c : new float[] {0, 0, 10, 10}) {
                out.writeFloat(c);
            }
        }
        RqKMeansModel m = RqKMeansModel.load(f);
        assertThat(m.config().maxPointsPerCode()).isZero();
        assertThat(m.config().distanceKernel()).isEqualTo(DistanceKernel.SCALAR);
        assertThat(m.inertia()).containsExactly(1.5);
        Embeddings x = Embeddings.of(new float[] {1, 1, 9, 8, 4, 4}, 3, 2);
        assertThat(m.encode(x, 1).codes()).containsExactly(0, 1, 0);
    }
}
