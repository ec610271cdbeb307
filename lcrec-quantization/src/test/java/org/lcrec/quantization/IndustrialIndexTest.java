package org.lcrec.quantization;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.core.testing.SharedData;

/**
 * The acceptance run on MiniOneRec's Industrial catalog (3,686 items, many with identical texts).
 * No text-encoder embeddings exist for it here, so the items are embedded lexically ({@link
 * LexicalEmbeddings}); identical texts give identical vectors, the hard case for collisions.
 */
@Tag("slow")
class IndustrialIndexTest {

    static Embeddings industrial() {
        Path dir = SharedData.dir("industrial");
        ItemCatalog cat = LcRecFiles.readItems(dir.resolve("Industrial_and_Scientific.item.json"));
        List<String> texts = new ArrayList<>();
        int expected = 0;
        for (Item it : cat.items()) {
            assertThat(it.id()).isEqualTo(expected++); // row = item id
            texts.add(it.title() + " " + it.description());
        }
        return LexicalEmbeddings.of(texts, 256);
    }

    @Test
    void rqVaeCpuPresetGivesACollisionFreeIndex() {
        Embeddings x = industrial();
        assertThat(x.rows()).isEqualTo(3686);
        RqVaeConfig cfg = RqVaeConfig.cpu().withEpochs(20);
        try (RqVaeModel m = new RqVaeTrainer(cfg).fit(x)) {
            TrainingHistory h = m.history();
            double[] loss = h.epochLoss();
            assertThat(loss[loss.length - 1]).isLessThan(loss[0]);
            Encoding enc = m.encode(x, 2);
            double[] r = enc.meanResidualNorms();
            for (int l = 1; l < r.length; l++) {
                assertThat(r[l]).as("level " + l).isLessThan(r[l - 1]);
            }
            GeneratedIndex g =
                    new IndexGenerator(IndexConfig.lcRec().withNumThreads(2)).generate(m, x);
            IndexStatistics s = g.statistics();
            System.out.println("Industrial RQ-VAE (cpu preset, 20 epochs): " + h + "\n  " + s);
            assertThat(g.index().size()).isEqualTo(3686);
            assertThat(g.index().collisions().groups()).isEmpty();
            assertThat(s.collisionsFinal()).isZero();
            // identical texts collide before resolution, so resolution must have moved items
            assertThat(s.collisionsAfterMapping()).isPositive();
            assertThat(s.itemsMoved()).isGreaterThanOrEqualTo(s.collisionsAfterMapping());
            assertThat(s.perplexity()[0]).isGreaterThan(1.0);
        }
    }

    @Test
    void rqKMeansGivesACollisionFreeIndex() {
        Embeddings x = industrial();
        RqKMeansConfig cfg =
                RqKMeansConfig.builder()
                        .levels(3)
                        .codes(256)
                        .maxIterations(15)
                        .numThreads(2)
                        .build();
        GeneratedIndex g =
                new IndexGenerator(IndexConfig.lcRec().withNumThreads(2))
                        .generate(new RqKMeansTrainer(cfg).fit(x), x);
        System.out.println("Industrial RQ-KMeans: " + g.statistics());
        assertThat(g.index().collisions().groups()).isEmpty();
        assertThat(g.statistics().itemsMoved()).isPositive();
    }
}
