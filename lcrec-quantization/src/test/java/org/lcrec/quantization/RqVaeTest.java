package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RqVaeTest {
    @TempDir Path dir;

    static RqVaeConfig tiny() {
        return RqVaeConfig.builder()
                .encoderLayers(new int[] {32, 16})
                .latentDim(8)
                .beta(1.0)
                .levels(3)
                .codes(8)
                .batchSize(64)
                .epochs(15)
                .warmupSteps(5)
                .sinkhornEpsilons(new double[] {0, 0, 0.003})
                .kmeansSample(256)
                .kmeansIterations(20)
                .numThreads(1)
                .seed(7)
                .build();
    }

    @Test
    void lossFallsResidualShrinksAndTheIndexIsCollisionFree() throws Exception {
        Embeddings x = Embeddings.gaussianClusters(400, 24, 6, 3.0, 5);
        Path f1 = dir.resolve("a.json");
        Path f2 = dir.resolve("b.json");
        try (RqVaeModel m = new RqVaeTrainer(tiny()).fit(x)) {
            TrainingHistory h = m.history();
            double[] loss = h.epochLoss();
            assertThat(loss).hasSize(15);
            assertThat(loss[14]).isLessThan(loss[0]);
            assertThat(loss[14]).isLessThan(h.initialLoss());
            assertThat(h.steps()).isEqualTo(15 * 7);
            assertThat(h.itemsPerSecond()).isPositive();
            Encoding enc = m.encode(x, 1);
            double[] r = enc.meanResidualNorms();
            for (int l = 1; l < r.length; l++) {
                assertThat(r[l]).as("level " + l).isLessThan(r[l - 1]);
            }
            GeneratedIndex g = new IndexGenerator(IndexConfig.lcRec()).generate(m, x);
            assertThat(g.index().collisions().groups()).isEmpty();
            assertThat(g.statistics().collisionsFinal()).isZero();
            g.writeIndexJson(f1);
            Path saved = dir.resolve("m.safetensors");
            m.save(saved);
            try (RqVaeModel back = RqVaeModel.load(saved)) {
                assertThat(back.config()).isEqualTo(m.config());
                assertThat(back.encode(x, 1).codes()).containsExactly(enc.codes());
                assertThat(back.history().epochLoss()).containsExactly(loss);
            }
        }
        try (RqVaeModel again = new RqVaeTrainer(tiny()).fit(x)) {
            new IndexGenerator(IndexConfig.lcRec()).generate(again, x).writeIndexJson(f2);
        }
        assertThat(Files.readAllBytes(f2)).isEqualTo(Files.readAllBytes(f1));
    }

    @Test
    void batchNormPopulationStatisticsAreExactOverAllItems() throws Exception {
        Embeddings x = Embeddings.gaussianClusters(400, 24, 6, 3.0, 5);
        RqVaeConfig c =
                tiny().toBuilder()
                        .batchNorm(true)
                        .standardize(false)
                        .sinkhornEpsilons(new double[] {0, 0, 0})
                        .build();
        try (RqVaeModel m = new RqVaeTrainer(c).fit(x)) {
            double[] loss = m.history().epochLoss();
            assertThat(loss[loss.length - 1]).isLessThan(loss[0]);
            // the first layer's statistics, accumulated over 7 batches, equal the mean and the
            // biased variance of x W + b over all 400 items, computed here directly
            float[] w = m.store().get("encoder.0.weight").toArray();
            float[] b = m.store().get("encoder.0.bias").toArray();
            float[] mean = m.store().get("encoder.0.bn.running_mean").toArray();
            float[] var = m.store().get("encoder.0.bn.running_var").toArray();
            int in = x.dim();
            int out = b.length;
            for (int j = 0; j < out; j++) {
                double s = 0;
                double ss = 0;
                for (int i = 0; i < x.rows(); i++) {
                    double h = b[j];
                    for (int k = 0; k < in; k++) {
                        h += (double) x.get(i, k) * w[k * out + j];
                    }
                    s += h;
                    ss += h * h;
                }
                double mu = s / x.rows();
                double v = ss / x.rows() - mu * mu;
                assertThat((double) mean[j])
                        .as("mean[%d]", j)
                        .isCloseTo(mu, within(1e-4 * (1 + Math.abs(mu))));
                assertThat((double) var[j]).as("var[%d]", j).isCloseTo(v, within(1e-4 * (1 + v)));
            }
            Path saved = dir.resolve("bn.safetensors");
            m.save(saved);
            try (RqVaeModel back = RqVaeModel.load(saved)) {
                assertThat(back.config().batchNorm()).isTrue();
                assertThat(back.encode(x, 1).codes()).containsExactly(m.encode(x, 1).codes());
            }
        }
    }

    @Test
    void batchNormInferenceEqualsTrainingOnOneBatchOfAllItems() {
        // with one batch holding every item, population statistics are that batch's statistics,
        // so the inference encoder must reproduce the training graph's latent vectors
        Embeddings x = Embeddings.gaussianClusters(300, 24, 6, 3.0, 9);
        RqVaeConfig c =
                tiny().toBuilder()
                        .batchNorm(true)
                        .standardize(false)
                        .batchSize(512)
                        .kmeansSample(300)
                        .sinkhornEpsilons(new double[] {0, 0, 0})
                        .build();
        try (RqVaeModel m = new RqVaeTrainer(c).fit(x)) {
            org.lcrec.onnx.GraphBuilder g = new org.lcrec.onnx.GraphBuilder("t").training(true);
            RqVaeGraphs.training(g, x.dim(), c);
            float[] trainZ = run(m, g.build(), x, RqVaeGraphs.Z);
            float[] inferZ = run(m, RqVaeGraphs.encoder(x.dim(), c), x, RqVaeGraphs.Z);
            assertThat(inferZ).hasSameSizeAs(trainZ);
            for (int i = 0; i < trainZ.length; i++) {
                assertThat(inferZ[i])
                        .as("z[%d]", i)
                        .isCloseTo(trainZ[i], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    private static float[] run(RqVaeModel m, org.lcrec.onnx.Graph graph, Embeddings x, String out) {
        org.lcrec.onnx.ParameterStore sub = new org.lcrec.onnx.ParameterStore();
        for (org.lcrec.onnx.ParameterSpec p : graph.parameters()) {
            sub.add(p.name(), p.shape(), p.trainable(), p.decay())
                    .set(m.store().get(p.name()).toArray());
        }
        byte[] bytes =
                org.lcrec.onnx.OnnxExport.builder()
                        .parameterValues(sub)
                        .outputs(java.util.List.of(out))
                        .build()
                        .toBytes(graph);
        try (org.lcrec.onnx.runtime.InferenceSession s =
                org.lcrec.onnx.runtime.InferenceSession.create(
                        bytes, org.lcrec.onnx.runtime.SessionConfig.cpu())) {
            return s.run(
                            java.util.Map.of(
                                    RqVaeGraphs.X,
                                    org.lcrec.onnx.HostTensor.ofFloats(
                                            x.toArray(), x.rows(), x.dim())))
                    .get(out)
                    .toFloatArray();
        }
    }

    @Test
    void deadCodePolicyFailNamesTheLevel() {
        // 8 identical items and 8 codes: after k-means most codes of level 0 are unused
        float[] v = new float[20 * 4];
        java.util.Arrays.fill(v, 0.5f);
        Embeddings x = Embeddings.of(v, 20, 4);
        RqVaeConfig c =
                tiny().toBuilder()
                        .epochs(1)
                        .kmeansSample(20)
                        .deadCodePolicy(DeadCodePolicy.FAIL)
                        .build();
        assertThatThrownBy(() -> new RqVaeTrainer(c).fit(x).close())
                .isInstanceOf(QuantizationException.class)
                .hasMessageContaining("epoch 1: level 0 has")
                .hasMessageContaining("unused codes");
    }

    @Test
    void badSettingsAndInputsAreRejected() {
        assertThatThrownBy(() -> tiny().toBuilder().codes(0).build())
                .hasMessageContaining("codes (K) must be >= 1, found 0");
        assertThatThrownBy(
                        () -> tiny().toBuilder().sinkhornEpsilons(new double[] {0, -1, 0}).build())
                .hasMessageContaining("sinkhornEpsilons must be finite and >= 0");
        assertThatThrownBy(() -> tiny().toBuilder().sinkhornEpsilons(new double[] {0.1}).build())
                .hasMessageContaining("expected one per level (3)");
        assertThatThrownBy(
                        () ->
                                new RqVaeTrainer(tiny())
                                        .fit(Embeddings.gaussianClusters(5, 4, 1, 1, 1)))
                .hasMessageContaining("fewer items (5) than codes per level (K = 8)");
        assertThatThrownBy(() -> RqVaeConfig.preset("gpu"))
                .hasMessageContaining("unknown RQ-VAE preset \"gpu\"; expected lcrec-paper or cpu");
        assertThat(RqVaeConfig.lcrecPaper().toString())
                .contains("encoderLayers=[2048, 1024, 512, 256, 128, 64]")
                .contains("levels=4")
                .contains("sinkhornEpsilons=[0.0, 0.0, 0.0, 0.003]")
                .contains("batchSize=1024");
    }
}
