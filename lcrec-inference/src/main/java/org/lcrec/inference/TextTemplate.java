package org.lcrec.inference;

import java.util.List;

/**
 * A prompt template as text: {@code prefix}, then each history item's index tokens with {@code
 * separator} between two items, then {@code suffix}, which ends where the answer (the next item's
 * index) begins. A model bundle stores the templates its model was trained with in this form;
 * {@link TextPrompts#tokenize} turns one into a token-level {@link PromptTemplate}.
 *
 * @param name the template's name (reported per template by the evaluator)
 * @param prefix text before the history (BOS is added separately)
 * @param separator text between two history items
 * @param suffix text after the history, up to where the answer starts
 */
public record TextTemplate(String name, String prefix, String separator, String suffix) {
    /** Validates. */
    public TextTemplate {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a text template needs a name");
        }
        if (prefix == null || separator == null || suffix == null) {
            throw new IllegalArgumentException(
                    "template " + name + ": prefix, separator and suffix must not be null");
        }
    }

    /**
     * The prompt for a history written as text (each item as its index tokens, e.g. {@code
     * <a_1><b_2><c_3>}).
     *
     * @param items each history item's text, oldest first
     * @return prefix, the items joined by the separator, suffix
     */
    public String render(List<String> items) {
        return prefix + String.join(separator, items) + suffix;
    }
}
