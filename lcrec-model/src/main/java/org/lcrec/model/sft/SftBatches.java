package org.lcrec.model.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lcrec.onnx.train.Rng;

/**
 * Training inputs prepared as token sequences with target spans: an {@link SftExample} becomes
 * prompt (left-truncated if needed) + response + EOS with one span over response and EOS; an {@link
 * SftSequence} is kept as it is. Grouped into length-bucketed batches with dynamic padding.
 */
final class SftBatches {
    final int[][] seqs;

    /** Target spans per sequence, as {@code [start, end)} pairs. */
    final int[][] spans;

    final int truncatedPrompts;
    final long truncatedTokens;
    final int droppedExamples;

    private SftBatches(
            int[][] seqs, int[][] spans, int truncatedPrompts, long truncatedTokens, int dropped) {
        this.seqs = seqs;
        this.spans = spans;
        this.truncatedPrompts = truncatedPrompts;
        this.truncatedTokens = truncatedTokens;
        this.droppedExamples = dropped;
    }

    /**
     * Appends EOS; when prompt + response + EOS exceeds {@code maxLength}, drops prompt tokens from
     * the left (keeping a leading BOS); an example whose response + EOS plus one prompt token does
     * not fit is dropped and counted. A sequence longer than {@code maxLength} is dropped and
     * counted (the caller cuts windows that fit).
     *
     * @throws IllegalArgumentException when a token id is outside the vocabulary (a tokenizer that
     *     does not match the embedding rows)
     */
    static SftBatches prepare(
            List<? extends SftInput> data, int maxLength, int bos, int eos, int vocab) {
        List<int[]> seqs = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        int truncated = 0;
        long cut = 0;
        int dropped = 0;
        for (int e = 0; e < data.size(); e++) {
            if (data.get(e) instanceof SftSequence q) {
                for (int i = 0; i < q.length(); i++) {
                    checkId(q.tokenAt(i), vocab, e, "sequence", i);
                }
                if (q.length() > maxLength) {
                    dropped++;
                    continue;
                }
                seqs.add(q.tokens());
                spans.add(q.spans());
                continue;
            }
            if (eos < 0) {
                throw new IllegalArgumentException(
                        "the model config has no eos_token_id; SFT on prompt/response examples"
                                + " needs one");
            }
            SftExample x = (SftExample) data.get(e);
            int p = x.promptLength();
            int r = x.responseLength();
            for (int i = 0; i < p; i++) {
                checkId(x.promptAt(i), vocab, e, "prompt", i);
            }
            for (int i = 0; i < r; i++) {
                checkId(x.responseAt(i), vocab, e, "response", i);
            }
            boolean keepBos = p > 0 && x.promptAt(0) == bos;
            int excess = p + r + 1 - maxLength;
            // at least one prompt token (BOS or history) must remain to predict the response from
            if (excess > 0 && r + 2 > maxLength) {
                dropped++;
                continue;
            }
            int from = 0;
            if (excess > 0) {
                truncated++;
                cut += excess;
                from = excess;
            }
            int keptPrompt = p - from;
            int[] s = new int[keptPrompt + r + 1];
            int k = 0;
            if (keepBos && from > 0) {
                s[k++] = bos;
                from++;
            }
            for (int i = from; i < p; i++) {
                s[k++] = x.promptAt(i);
            }
            int pl = k;
            for (int i = 0; i < r; i++) {
                s[k++] = x.responseAt(i);
            }
            s[k++] = eos;
            seqs.add(k == s.length ? s : Arrays.copyOf(s, k));
            // the span starts at the first response token, predicted from the last prompt token
            // (a prompt cut to nothing predicts from position 0 onwards)
            spans.add(new int[] {Math.max(1, pl), k});
        }
        return new SftBatches(
                seqs.toArray(new int[0][]), spans.toArray(new int[0][]), truncated, cut, dropped);
    }

    private static void checkId(int id, int vocab, int example, String part, int pos) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException(
                    "example "
                            + example
                            + ": "
                            + part
                            + " token "
                            + pos
                            + " has id "
                            + id
                            + ", outside the model's "
                            + vocab
                            + " embedding rows (does the tokenizer match the model?)");
        }
    }

    int size() {
        return seqs.length;
    }

    /** Number of batches per epoch. */
    int batchesPerEpoch(int batchSize) {
        return (seqs.length + batchSize - 1) / batchSize;
    }

    /**
     * The batches of one epoch: examples sorted by length with seeded tie-breaking, cut into
     * batches of {@code batchSize}, the batch order shuffled (seed and epoch determine all).
     */
    List<int[]> epoch(int batchSize, long seed, int epoch) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + epoch);
        int n = seqs.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // length in the high bits, a random tie-breaker in the middle, the index in the low
            // bits
            keys[i] = ((long) seqs[i].length << 40) | ((rng.nextLong() & 0xFFFFFL) << 20) | i;
        }
        Arrays.sort(keys);
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[] b = new int[to - from];
            for (int i = from; i < to; i++) {
                b[i - from] = (int) (keys[i] & 0xFFFFF);
            }
            batches.add(b);
        }
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int[] t = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, t);
        }
        return batches;
    }

    /** One padded micro-batch. */
    record Batch(
            long[] ids,
            long[] mask,
            long[] positions,
            long[] lossPositions,
            long[] labels,
            int rows,
            int length,
            long tokens) {}

    /** Right-pads the examples of {@code batch} to its longest sequence. */
    Batch pad(int[] batch, int padId) {
        return pad(batch, padId, 1, Integer.MAX_VALUE);
    }

    /**
     * Right-pads the examples of {@code batch} to its longest sequence rounded up to a multiple of
     * {@code multiple} (at most {@code maxLength}), and its loss targets to a multiple of {@code
     * multiple} with ignored ones ({@link #IGNORED} at position 0), so that batches take few
     * distinct shapes.
     */
    Batch pad(int[] batch, int padId, int multiple, int maxLength) {
        int s = 0;
        int targets = 0;
        long tokens = 0;
        for (int e : batch) {
            s = Math.max(s, seqs[e].length);
            int[] sp = spans[e];
            for (int j = 0; j < sp.length; j += 2) {
                targets += sp[j + 1] - sp[j];
            }
            tokens += seqs[e].length;
        }
        s = Math.max(s, Math.min(roundUp(s, multiple), maxLength));
        int real = targets;
        targets = roundUp(targets, multiple);
        int b = batch.length;
        long[] ids = new long[b * s];
        long[] mask = new long[b * s];
        long[] pos = new long[b * s];
        long[] where = new long[targets];
        long[] labels = new long[targets];
        int k = 0;
        for (int row = 0; row < b; row++) {
            int[] seq = seqs[batch[row]];
            Arrays.fill(ids, row * s, (row + 1) * s, padId);
            for (int t = 0; t < seq.length; t++) {
                ids[row * s + t] = seq[t];
                mask[row * s + t] = 1;
                pos[row * s + t] = t;
            }
            int[] sp = spans[batch[row]];
            for (int j = 0; j < sp.length; j += 2) {
                for (int t = sp[j] - 1; t < sp[j + 1] - 1; t++) {
                    where[k] = (long) row * s + t;
                    labels[k] = seq[t + 1];
                    k++;
                }
            }
        }
        Arrays.fill(labels, real, targets, IGNORED);
        return new Batch(ids, mask, pos, where, labels, b, s, tokens);
    }

    /** The label of a padded loss target: the cross-entropy's ignore index. */
    static final long IGNORED = -100;

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
