package org.lcrec.tasks.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnswerParsersTest {
    @Test
    void labelledLinesAreReadStrictly() {
        assertThat(
                        AnswerParsers.labelled(
                                "Long-term preferences: acoustic guitars\n"
                                        + "and their care.\n\n"
                                        + "**Short-term preferences:** new strings",
                                "Long-term preferences",
                                "Short-term preferences"))
                .containsExactly("acoustic guitars and their care.", "new strings");
        // any order, bullets and case are tolerated
        assertThat(
                        AnswerParsers.labelled(
                                "- short-term PREFERENCES: b\n1. Long-term preferences : a",
                                "Long-term preferences",
                                "Short-term preferences"))
                .containsExactly("a", "b");
    }

    @Test
    void malformedLabelledAnswersAreRejectedWithTheReason() {
        assertThatThrownBy(() -> AnswerParsers.labelled("Sure! Here you go.\nA: x\nB: y", "A", "B"))
                .isInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining("expected the answer to start with \"A:\"")
                .hasMessageContaining("Sure! Here you go.");
        assertThatThrownBy(() -> AnswerParsers.labelled("A: x", "A", "B"))
                .hasMessage("expected a line \"B: ...\", found none");
        assertThatThrownBy(() -> AnswerParsers.labelled("A: x\nB:   ", "A", "B"))
                .hasMessage("expected text after \"B:\", found none");
        assertThatThrownBy(() -> AnswerParsers.labelled("A: x\nA: y\nB: z", "A", "B"))
                .hasMessage("expected \"A:\" once, found it twice");
        assertThatThrownBy(() -> AnswerParsers.labelled("", "A", "B"))
                .hasMessage("expected a line \"A: ...\", found none");
    }

    @Test
    void summariesAreOneNonEmptyParagraph() {
        assertThat(AnswerParsers.summary("  \"Likes\n  loud   amps.\"  "))
                .isEqualTo("Likes loud amps.");
        assertThatThrownBy(() -> AnswerParsers.summary(" \n "))
                .hasMessage("expected a summary, found an empty answer");
        assertThatThrownBy(() -> AnswerParsers.summary("x".repeat(2001)))
                .hasMessageContaining("at most 2000 characters, found 2001");
        assertThat(
                        AnswerParsers.mentions(
                                "I want the Fender Blues Junior amp", "Fender Blues Junior"))
                .isTrue();
        assertThat(AnswerParsers.mentions("I want an amp", "Fender Blues Junior")).isFalse();
    }
}
