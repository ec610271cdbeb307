package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void pythonStringListsWithQuotesCommasAndApostrophes() {
        assertThat(PythonLiterals.parseStringList("['a, b', \"Bob's saw\", 'it\\'s 12\"', '']"))
                .containsExactly("a, b", "Bob's saw", "it's 12\"", "");
        assertThat(PythonLiterals.parseStringList("[]")).isEmpty();
        assertThat(PythonLiterals.parseStringList(" ['x'] ")).containsExactly("x");
        assertThat(PythonLiterals.parseStringList("['tab\\there', '\\x41\\u00e9\\\\']"))
                .containsExactly("tab\there", "A\u00e9\\");
        assertThatThrownBy(() -> PythonLiterals.parseStringList("['open"))
                .hasMessageContaining("closing quote");
        assertThatThrownBy(() -> PythonLiterals.parseStringList("['a' 'b']"))
                .hasMessageContaining("expected ']'");
    }

    @Test
    void malformedListsAreReadLeniently() {
        // an unescaped apostrophe inside a single-quoted element, as in 16 Industrial descriptions
        String raw = "['Racks are made of steel for it's durability', 'Fits 1 spool.']";
        assertThatThrownBy(() -> PythonLiterals.parseStringList(raw))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PythonLiterals.parseStringListLenient(raw))
                .containsExactly("Racks are made of steel for it's durability", "Fits 1 spool.");
        assertThat(TextCleaner.clean(raw))
                .isEqualTo("Racks are made of steel for it's durability Fits 1 spool.");
        assertThat(TextCleaner.clean("['a \\nb', \"c's\"]")).isEqualTo("a b c's");
        assertThat(PythonLiterals.parseStringListLenient("['a' b]")).isNull();
        assertThat(TextCleaner.cleanTitle("[3D CAM] Couplings.")).isEqualTo("[3D CAM] Couplings");
    }

    @Test
    void pythonIntLists() {
        assertThat(PythonLiterals.parseIntList("[3466, 2697,3557]"))
                .containsExactly(3466, 2697, 3557);
        assertThat(PythonLiterals.parseIntList("[168]")).containsExactly(168);
        assertThat(PythonLiterals.parseIntList("[]")).isEmpty();
        assertThatThrownBy(() -> PythonLiterals.parseIntList("[1, x]"))
                .hasMessageContaining("expected an integer at character 4");
    }

    @Test
    void cleaningTurnsListsIntoProseAndDecodesEntities() {
        assertThat(TextCleaner.clean("['First part.', 'Second &amp; third']"))
                .isEqualTo("First part. Second & third");
        assertThat(TextCleaner.clean("Size 12&quot; <b>bold</b>\n\n  text&#39;s &#x41;..."))
                .isEqualTo("Size 12 bold text's A.");
        assertThat(TextCleaner.clean("&amp;quot;double&amp;quot;")).isEqualTo("double");
        assertThat(TextCleaner.clean("R&D and A&B;")).isEqualTo("R&D and A&B;");
        assertThat(TextCleaner.clean(null)).isEmpty();
        assertThat(TextCleaner.clean("  ")).isEmpty();
        assertThat(TextCleaner.clean("x".repeat(3000))).hasSize(3000);
        assertThat(TextCleaner.cleanTitle("Stanley Staples (1000 Count)."))
                .isEqualTo("Stanley Staples (1000 Count)");
        assertThat(TextCleaner.clean("a < b > c")).isEqualTo("a < b > c");
    }
}
