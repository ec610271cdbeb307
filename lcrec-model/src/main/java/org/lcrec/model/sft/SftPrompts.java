package org.lcrec.model.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lcrec.core.LeaveOneOut;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.IndexVocabulary;
import org.lcrec.inference.PromptTemplate;
import org.lcrec.inference.TextTemplate;
import org.lcrec.tasks.Placeholder;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.SftPrompt;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;
import org.lcrec.tokenizers.Tokenizer;

/**
 * The prompts a model is trained on, in one place, so that serving decodes from exactly what
 * training saw: task samples tokenised for SFT, seqrec templates turned into the text templates a
 * recommender decodes from, and the sequence form (one user window per example, the loss on every
 * target item).
 *
 * <p>Prompt and response are tokenised separately, never the concatenation, and index tokens are
 * added tokens, which split the text before the tokenizer's model runs; so the pieces give the same
 * ids as the whole prompt and item tokens never merge with the text around them.
 */
public final class SftPrompts {
    /** The sequence form's instruction; the items follow the response marker. */
    public static final String SEQUENCE_INSTRUCTION =
            "List the items this user interacted with, oldest first.";

    /** The sequence form's template name. */
    public static final String SEQUENCE_TEMPLATE = "seqrec-sequence";

    private SftPrompts() {}

    /**
     * Tokenises samples for SFT: the prompt (LC-Rec's Alpaca wrapper) and the response separately,
     * BOS first when the model has one.
     *
     * @param samples task samples
     * @param tokenizer the tokenizer with the index tokens added
     * @param bosId BOS id, or -1
     * @return the examples, in sample order
     */
    public static List<SftExample> examples(List<Sample> samples, Tokenizer tokenizer, int bosId) {
        List<SftExample> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            int[] p = tokenizer.encode(s.sftPrompt(), false);
            if (bosId >= 0) {
                int[] q = new int[p.length + 1];
                q[0] = bosId;
                System.arraycopy(p, 0, q, 1, p.length);
                p = q;
            }
            out.add(new SftExample(p, tokenizer.encode(s.response(), false)));
        }
        return out;
    }

    /**
     * lcrec-tasks' seqrec templates as the text templates a recommender decodes from: the SFT
     * wrapper around the instruction, split at {@code {inters}} into a prefix and a suffix, with
     * the history items joined by the task separator.
     *
     * @param templates the task templates
     * @param ids which seqrec templates
     * @param config the task configuration (separator)
     * @return text templates named {@code seqrec-<id>}
     * @throws IllegalArgumentException for a template without exactly one {@code {inters}}
     */
    public static List<TextTemplate> seqrecTemplates(
            TemplateSet templates, List<Integer> ids, TaskConfig config) {
        List<TextTemplate> out = new ArrayList<>();
        for (int id : ids) {
            String instruction = templates.get(TaskType.SEQREC, id).instruction();
            String marker = Placeholder.INTERS.toString();
            int at = instruction.indexOf(marker);
            if (at < 0 || instruction.indexOf(marker, at + 1) >= 0) {
                throw new IllegalArgumentException(
                        "seqrec template "
                                + id
                                + ": expected exactly one "
                                + marker
                                + ", found \""
                                + instruction
                                + "\"");
            }
            String prefix = SftPrompt.HEADER + instruction.substring(0, at);
            String suffix = instruction.substring(at + marker.length()) + SftPrompt.RESPONSE_MARKER;
            out.add(new TextTemplate("seqrec-" + id, prefix, config.separator(), suffix));
        }
        return out;
    }

    /**
     * The sequence form's template: instruction, response marker, then the history with the
     * separator after every item, the last included. Without LC-Rec's Alpaca preamble: every token
     * of the prefix is read once per window, and on Instruments the preamble alone would be more
     * than half of all training tokens. Decoding cuts the training text right after the last
     * history item and its separator, exactly the prefix that preceded each target in training, so
     * no EOS step follows the item (training never put an EOS after an item).
     *
     * @param separator text between two items
     * @return the template
     */
    public static TextTemplate sequenceTemplate(String separator) {
        return new TextTemplate(
                SEQUENCE_TEMPLATE,
                SEQUENCE_INSTRUCTION + SftPrompt.RESPONSE_MARKER,
                separator,
                separator);
    }

    /**
     * The sequence form's training examples: each window's items written once after the prompt,
     * each target item's index tokens a loss span.
     *
     * @param windows the windows ({@link LeaveOneOut#trainingWindows})
     * @param prompt the tokenised {@link #sequenceTemplate} (BOS included in its prefix); its
     *     suffix is the separator, which the training sequence leaves off after its last item
     * @param vocabulary the index tokens' ids
     * @param index item → semantic ID
     * @return one sequence per window
     */
    public static List<SftSequence> sequences(
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
    public static long targets(List<LeaveOneOut.Window> windows) {
        long n = 0;
        for (LeaveOneOut.Window w : windows) {
            n += w.targets();
        }
        return n;
    }
}
