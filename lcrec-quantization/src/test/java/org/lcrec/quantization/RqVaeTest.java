package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
