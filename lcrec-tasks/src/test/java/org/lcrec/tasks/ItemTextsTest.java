package org.lcrec.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lcrec.core.TextCleaner;

class ItemTextsTest {
    @Test
    void malformedPythonListsAreReadLeniently() {
        // an unescaped apostrophe inside a single-quoted element, as in Amazon metadata
        String raw = "['Racks are made of steel for it's durability', 'Fits 1 spool.']";
        assertThat(TextCleaner.clean(raw)).startsWith("['"); // what core's cleaner does
        assertThat(ItemTexts.description(raw))
                .isEqualTo("Racks are made of steel for it's durability Fits 1 spool.");
        assertThat(ItemTexts.description("['a \\nb', \"c's\"]")).isEqualTo("a b c's");
    }

    @Test
    void validListsAndPlainTextAreLeftToTheCoreCleaner() {
        String valid = "['One', 'Two &amp; three']";
        assertThat(ItemTexts.description(valid)).isEqualTo(TextCleaner.clean(valid));
        assertThat(ItemTexts.title("[3D CAM] Couplings.")).isEqualTo("[3D CAM] Couplings");
        assertThat(ItemTexts.description("")).isEmpty();
        // not a list after all: kept verbatim for the core cleaner
        assertThat(ItemTexts.repairList("['a' b]")).isEqualTo("['a' b]");
    }
}
