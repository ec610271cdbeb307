package org.lcrec.cli.reproduce;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.PromptTemplate;
import org.lcrec.inference.TextPrompts;
import org.lcrec.model.sft.SftSequence;
import org.lcrec.tasks.SftPrompt;

/**
 * Seqrec in the sequence form: a user's training items written once after an instruction, each item
 * after the first a target span, so one pass trains every next-item target of the window ({@link
 * LeaveOneOut#trainingWindows}). The prompt the recommender decodes from is the same text cut right
 * after the last history item and its separator, which is exactly the prefix that preceded each
 * target in training; so no EOS step follows the item (training never put an EOS after an item).
 */
public final class SeqrecSequences {
    /** The instruction; the items follow the response marker. */
    public static final String INSTRUCTION =
            "List the items this user interacted with, oldest first.";

    /** The template's name in tables. */
    public static final String NAME = "seqrec-sequence";

    private SeqrecSequences() {}

    /**
     * The template. Without LC-Rec's Alpaca preamble: every token of the prefix is read once per
     * window, and on Instruments the preamble alone would be more than half of all training tokens.
     *
     * @param separator text between two items
     * @return the text template: instruction, response marker, then the history with the separator
     *     after every item, the last included
     */
    public static TextPrompts.TextTemplate template(String separator) {
        return new TextPrompts.TextTemplate(
                NAME, INSTRUCTION + SftPrompt.RESPONSE_MARKER, separator, separator);
    }

    /**
     * The training sequences of every window.
     *
     * @param windows the windows
     * @param prompt the tokenised {@link #template} (BOS included in its prefix); its suffix is the
     *     separator, which the training sequence leaves off after its last item
     * @param vocabulary the index tokens' ids
     * @param index item → semantic ID lookup through {@code vocabulary}
     * @return one sequence per window: prefix, items with the separator between, spans over the
     *     index tokens of every target item
     */
    public static List<SftSequence> examples(
            List<LeaveOneOut.Window> windows,
            PromptTemplate prompt,
            IndexVocabulary vocabulary,
            SemanticIndex index) {
        int prefix = prompt.prefix().length;
        int sep = prompt.separator().length;
        int suffix = prompt.suffix().length;
        List<SftSequence> out = new ArrayList<>(windows.size());
        for (LeaveOneOut.Window w : windows) {
            int[] items = w.items();
            int[][] codes = new int[items.length][];
            for (int i = 0; i < items.length; i++) {
                codes[i] = vocabulary.tokenIds(index.get(items[i]));
            }
            // the recommender's own prompt encoding, without the separator after the last item
            int[] prompted = prompt.encode(codes);
            int[] tokens = Arrays.copyOf(prompted, prompted.length - suffix);
            int[] spans = new int[2 * w.targets()];
            int k = prefix;
            int s = 0;
            for (int i = 0; i < items.length; i++) {
                k += i > 0 ? sep : 0;
                if (i >= w.firstTarget()) {
                    spans[s++] = k;
                    spans[s++] = k + codes[i].length;
                }
                k += codes[i].length;
            }
            out.add(new SftSequence(tokens, spans));
        }
        return out;
    }

    /**
     * @param windows training windows
     * @return the training targets they hold (= LC-Rec's seqrec training samples)
     */
    static long targets(List<LeaveOneOut.Window> windows) {
        long n = 0;
        for (LeaveOneOut.Window w : windows) {
            n += w.targets();
        }
        return n;
    }
}
