package org.lcrec.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetStats;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.Split;
import org.lcrec.core.testing.SharedData;

/** Figures measured independently in lcrec-facts.md, section 9. */
class RealDataTest {
    @Test
    void instrumentsStatistics() {
        Dataset d = Dataset.load(SharedData.dir("instruments"));
        DatasetStats s = d.stats();
        assertThat(s.users()).isEqualTo(24_772);
        assertThat(s.items()).isEqualTo(9_922);
        assertThat(s.interactions()).isEqualTo(206_153);
        assertThat(s.minLength()).isEqualTo(5);
        assertThat(s.maxLength()).isEqualTo(218);
        assertThat(s.indexLevels()).isEqualTo(4);
        assertThat(s.codesUsedPerLevel()).containsExactly(150, 256, 256, 256);
        assertThat(s.collisionGroups()).isEqualTo(23);
        assertThat(s.collidingItems()).isEqualTo(25);
        assertThat(d.index().collisions().itemsInvolved()).isEqualTo(48);
        assertThat(d.index().tokens()).hasSize(918);

        LeaveOneOut loo = LeaveOneOut.lcRec();
        assertThat(loo.count(d.interactions(), Split.TRAIN)).isEqualTo(131_837);
        assertThat(loo.count(d.interactions(), Split.VALID)).isEqualTo(24_772);
        double meanTestHistory =
                loo.samples(d.interactions(), Split.TEST)
                        .mapToInt(x -> x.history().length)
                        .average()
                        .orElseThrow();
        assertThat(meanTestHistory).isCloseTo(6.98, org.assertj.core.data.Offset.offset(0.005));
        long longUsers =
                loo.samples(d.interactions(), Split.TEST).filter(x -> x.position() > 20).count();
        assertThat(longUsers).isEqualTo(770);
    }

    @Test
    void instrumentsRoundTrip(@TempDir Path tmp) throws Exception {
        Dataset d = Dataset.load(SharedData.dir("instruments"));
        d.write(tmp);
        Dataset again = Dataset.load(tmp);
        assertThat(again).isEqualTo(d);
        again.write(tmp.resolve("second"));
        assertThat(Files.readAllBytes(tmp.resolve("second/Instruments.inter.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("Instruments.inter.json")));
        assertThat(Files.readAllBytes(tmp.resolve("second/Instruments.index.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("Instruments.index.json")));
    }

    @Test
    void industrialImport(@TempDir Path tmp) {
        MiniOneRecImporter.Result r =
                MiniOneRecImporter.read(SharedData.dir("industrial"), "Industrial_and_Scientific");
        Dataset d = r.dataset();
        assertThat(d.items().size()).isEqualTo(3_686);
        assertThat(d.items().itemsWithText()).isEqualTo(3_686);
        assertThat(r.report().rows()).isEqualTo(4_532 + 4_533);
        assertThat(r.report().users()).isEqualTo(3_285);
        assertThat(r.report().rebuilt()).isEqualTo(3_285);
        assertThat(r.report().dropped()).isZero();
        assertThat(r.report().rebuilt() - r.report().truncatedStart()).isEqualTo(3_058);
        assertThat(r.report().historyCap()).isEqualTo(10);
        assertThat(r.report().sidMismatches()).isZero();
        assertThat(d.index().levels()).isEqualTo(3);
        assertThat(d.index().collisions().groups()).hasSize(15);
        assertThat(d.index().collisions().surplusItems()).isEqualTo(16);
        // the rebuilt dataset survives a write/read in LC-Rec's layout
        d.write(tmp);
        assertThat(Dataset.load(tmp)).isEqualTo(d);
    }
}
