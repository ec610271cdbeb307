package org.lcrec.inference;

import java.nio.FloatBuffer;
import org.lcrec.inference.internal.LogitKernels;

/**
 * One generation's state: the KV cache of {@link #rows()} sequences, their attention masks and
 * positions. Not thread-safe; close it when done.
 */
public interface DecoderRun extends AutoCloseable {
    /**
     * Feeds {@code seq} more tokens to each of {@code rows} sequences and returns the logits of the
     * last position of each row.
     *
     * <p>The first call may left-pad: {@code mask} (row-major {@code rows × seq}, or {@code null}
     * for all ones) marks real tokens with 1 and padding with 0; positions are counted over real
     * tokens only, as Hugging Face does ({@code cumsum(mask) - 1}). Later calls append tokens that
     * are all real. The row count must equal the current one (after {@link #reorder(int[])}).
     *
     * @param ids token ids, row-major {@code rows × seq}
     * @param rows the batch size
     * @param seq tokens per row
     * @param mask 1 for real tokens, 0 for padding, or {@code null}
     * @return the last-position logits, row-major {@code rows × vocabulary}; owned by the run and
     *     overwritten by the next call
     */
    float[] forward(long[] ids, int rows, int seq, long[] mask);

    /**
     * Like {@link #forward(long[], int, int, long[])} but returns the logits of every position.
     *
     * @param ids token ids, row-major {@code rows × seq}
     * @param rows the batch size
     * @param seq tokens per row
     * @param mask 1 for real tokens, 0 for padding, or {@code null}
     * @return logits, row-major {@code rows × seq × vocabulary} (a fresh array)
     */
    float[] forwardAllPositions(long[] ids, int rows, int seq, long[] mask);

    /**
     * Feeds one token to each row and returns the log-softmax over the vocabulary of each row's new
     * logits: the per-step input of the beam search. The default computes it in Java from {@link
     * #forward}; {@link OrtCausalDecoder} runs it in ORT, inside the decoder's graph where it could
     * add it there.
     *
     * @param ids one token id per row
     * @param rows the batch size
     * @return log-probabilities, row-major {@code rows × vocabulary} (read with absolute gets),
     *     owned by the run and overwritten by the next call
     */
    default FloatBuffer stepLogProbs(long[] ids, int rows) {
        float[] logits = forward(ids, rows, 1, null);
        int vocab = logits.length / rows;
        float[] out = new float[logits.length];
        for (int r = 0; r < rows; r++) {
            float lse = LogitKernels.logSumExp(logits, r * vocab, vocab);
            for (int v = r * vocab; v < (r + 1) * vocab; v++) {
                out[v] = logits[v] - lse;
            }
        }
        return FloatBuffer.wrap(out);
    }

    /**
     * The first call of a generation when only log-probabilities are needed: feeds the
     * (left-padded) prompts like {@link #forward} and returns the log-softmax over the vocabulary
     * of each row's last logits. The default computes it in Java from {@link #forward}; {@link
     * OrtCausalDecoder}'s beam runs compute it in the graph, with the LM head at the last position
     * only.
     *
     * @param ids token ids, row-major {@code rows × seq}
     * @param rows the batch size
     * @param seq tokens per row
     * @param mask 1 for real tokens, 0 for padding, or {@code null}
     * @return log-probabilities, row-major {@code rows × vocabulary} (read with absolute gets),
     *     owned by the run and overwritten by the next call
     */
    default FloatBuffer prefillLogProbs(long[] ids, int rows, int seq, long[] mask) {
        float[] logits = forward(ids, rows, seq, mask);
        int vocab = logits.length / rows;
        float[] out = new float[logits.length];
        for (int r = 0; r < rows; r++) {
            float lse = LogitKernels.logSumExp(logits, r * vocab, vocab);
            for (int v = r * vocab; v < (r + 1) * vocab; v++) {
                out[v] = logits[v] - lse;
            }
        }
        return FloatBuffer.wrap(out);
    }

    /**
     * Rearranges the cache for the next call: new row {@code r} continues old row {@code
     * origin[r]}. The row count may change (expanding users to beams).
     *
     * @param origin for each new row, the old row it continues
     */
    void reorder(int[] origin);

    /**
     * @return the current number of rows
     */
    int rows();

    /**
     * @return the number of cached positions (padding included)
     */
    int pastLength();

    /** Releases the cache; idempotent. */
    @Override
    void close();
}
