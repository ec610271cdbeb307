package org.lcrec.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every config `reproduce --config NAME` ships loads, validates and is the run it says it is. */
class ShippedConfigsTest {
    @Test
    void everyShippedConfigLoadsAndNamesItself() {
        assertThat(ReproduceConfig.NAMES).contains("synthetic", "instruments-seqrec");
        for (String name : ReproduceConfig.NAMES) {
            ReproduceConfig c = ReproduceConfig.load(name);
            assertThat(c.name()).as("%s: name", name).isEqualTo(name);
            assertThat(c.mixes()).as("%s: mixes", name).isNotEmpty();
            assertThat(c.epochs()).as("%s: epochs", name).isPositive();
            // the real-data configs point at ../shared/data, the synthetic one at nothing
            if (name.equals("synthetic")) {
                assertThat(c.data()).isNull();
            } else {
                assertThat(c.data()).startsWith("../shared/data/");
            }
        }
        // the shipped recipes of the results tables (docs/quality.md)
        ReproduceConfig syn = ReproduceConfig.load("synthetic");
        assertThat(syn.sequenceForm()).isTrue();
        assertThat(syn.sasrec()).isTrue();
        ReproduceConfig inst = ReproduceConfig.load("instruments-seqrec");
        assertThat(inst.testUsers()).as("all test users").isZero();
        assertThat(inst.compactVocabulary()).isTrue();
        // a cosine schedule to zero: the last checkpoint, not a 500-user validation's pick
        assertThat(inst.keep()).isEqualTo(ReproduceConfig.KEEP_LAST);
        assertThat(syn.keep()).isEqualTo(ReproduceConfig.KEEP_BEST);
        // 40 beams, chosen on the full validation split (docs/quality.md)
        assertThat(inst.beams()).isEqualTo(40);
        assertThat(inst.members()).as("one model within the 2-hour budget").isEqualTo(1);
        // three seeds' ensemble: one model alone stays below co-occurrence there (docs/quality.md)
        ReproduceConfig ind = ReproduceConfig.load("industrial-full");
        assertThat(ind.members()).isEqualTo(3);
        assertThat(ind.memberSeed(3)).isEqualTo(ind.seed() + 2000);
    }
}
