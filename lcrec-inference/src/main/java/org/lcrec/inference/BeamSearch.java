package org.lcrec.inference;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.lcrec.inference.internal.LogitKernels;
import org.lcrec.inference.internal.TopK;

/**
 * Batched constrained beam search over a {@link CausalDecoder}.
 *
 * <p>For a batch of {@code U} prompts: one prefill pass over the left-padded prompts; the first
 * step's candidates come from each prompt's last logits; the cache is then expanded to {@code U ×
 * beams} rows (in-graph through {@code beam_idx} where the model has it, else a Java-side gather).
 * Each step scores every allowed edge of every live beam with the true log-probability (log-softmax
 * over the full vocabulary), keeps the {@code beams} best candidates of each prompt across all its
 * beams, reorders the cache by beam origin, and feeds the chosen tokens. The search stops after
 * {@link DecodingConstraint#depth()} tokens, so it makes {@code depth} model calls in all (the
 * prefill and {@code depth - 1} one-token steps). Scores are sums of log-probabilities, without
 * length normalisation (every prediction has the same length).
 *
 * <p>Determinism: ties between equal scores go to the earlier beam, then the smaller token id, so
 * the result depends only on the logits.
 *
 * <p>Excluded items: with an {@link ItemTrie.Exclusion}, no beam ever enters a node all of whose
 * items are excluded for its prompt. The search is then the same search over the trie of the
 * remaining items (the same candidates, scores and tie-breaks), so with {@code beams >= k} it still
 * returns at least {@code k} items that are not excluded whenever the catalogue has that many.
 *
 * @implNote per step, O(rows · vocabulary) for the log-sum-exp of each live row plus O(candidates ·
 *     log beams) for the selection. With an exclusion, O(log d) more per live row (a binary search
 *     among the prompt's {@code d} dead nodes); rows whose children include no dead node then run
 *     the same loop as without. Stateless and thread-safe; all state lives in the call.
 */
public final class BeamSearch {
    private BeamSearch() {}

    /**
     * Runs the search.
     *
     * @param decoder the model
     * @param constraint what may be emitted
     * @param prompts token ids per prompt (each non-empty); left-padded here with the model's pad
     *     id
     * @param beams beams per prompt (>= 1)
     * @return per prompt, its finished beams best first (fewer than {@code beams} if the constraint
     *     allows fewer sequences)
     */
    public static List<BeamResult> search(
            CausalDecoder decoder, DecodingConstraint constraint, List<int[]> prompts, int beams) {
        return search(decoder, constraint, prompts, beams, null);
    }

    /**
     * Runs the search with items excluded per prompt.
     *
     * @param decoder the model
     * @param constraint what may be emitted
     * @param prompts token ids per prompt (each non-empty); left-padded here with the model's pad
     *     id
     * @param beams beams per prompt (>= 1)
     * @param exclusion the items each prompt must not end on, made by {@code constraint} (then an
     *     {@link ItemTrie}) for exactly these prompts; or {@code null} for none
     * @return per prompt, its finished beams best first (fewer than {@code beams} if fewer allowed
     *     sequences remain); map a beam's leaf to items with {@link ItemTrie.Exclusion#items(int,
     *     int)}, which leaves out excluded items that share the leaf
     * @throws IllegalArgumentException if the exclusion belongs to another constraint or another
     *     number of prompts
     * @throws DecodingException naming the step, prompt and token if an allowed token's
     *     log-probability is NaN or +infinity (a model with non-finite weights)
     */
    public static List<BeamResult> search(
            CausalDecoder decoder,
            DecodingConstraint constraint,
            List<int[]> prompts,
            int beams,
            ItemTrie.Exclusion exclusion) {
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(constraint, "constraint");
        Objects.requireNonNull(prompts, "prompts");
        checkExclusion(constraint, exclusion, prompts.size());
        if (beams < 1) {
            throw new IllegalArgumentException("beams must be >= 1, found " + beams);
        }
        int users = prompts.size();
        if (users == 0) {
            return List.of();
        }
        DecoderConfig cfg = decoder.config();
        int vocab = cfg.vocabularySize();
        int depth = constraint.depth();
        int maxLen = 0;
        for (int u = 0; u < users; u++) {
            int[] p = prompts.get(u);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + u + " is empty");
            }
            for (int t : p) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException(
                            "prompt "
                                    + u
                                    + ": token id "
                                    + t
                                    + " is outside the vocabulary [0, "
                                    + vocab
                                    + ")");
                }
            }
            maxLen = Math.max(maxLen, p.length);
        }
        long[] ids = new long[users * maxLen];
        long[] mask = new long[users * maxLen];
        for (int u = 0; u < users; u++) {
            int[] p = prompts.get(u);
            int pad = maxLen - p.length;
            for (int t = 0; t < maxLen; t++) {
                ids[u * maxLen + t] = t < pad ? cfg.padId() : p[t - pad];
                mask[u * maxLen + t] = t < pad ? 0 : 1;
            }
        }
        int fan = Math.max(1, constraint.maxFanOut());
        Workspace s = new Workspace(users, beams, depth, fan);
        try (DecoderRun run = decoder.newBeamRun()) {
            // every step reads log-probabilities from the run (in the graph for OrtCausalDecoder's
            // beam runs; the prefill's are computed in Java from its logits otherwise, which at
            // score 0 gives exactly the candidates that normalising in select did)
            FloatBuffer logProbs = run.prefillLogProbs(ids, users, maxLen, mask);
            // the prefill row of each prompt is its single beam at the root
            int[] node = new int[users];
            Arrays.fill(node, constraint.root());
            float[] score = new float[users];
            int[] hist = new int[0];
            int rowsPerUser = 1;
            for (int step = 0; step < depth; step++) {
                try {
                    select(
                            constraint,
                            null,
                            logProbs,
                            vocab,
                            node,
                            score,
                            hist,
                            rowsPerUser,
                            step,
                            exclusion,
                            s);
                } catch (DecodingException e) {
                    throw new DecodingException(decoder + ": " + e.getMessage(), e);
                }
                node = s.newNode.clone();
                score = s.newScore.clone();
                hist = s.newTokens.clone();
                rowsPerUser = beams;
                if (step + 1 < depth) {
                    run.reorder(s.origin);
                    long[] next = new long[users * beams];
                    for (int r = 0; r < next.length; r++) {
                        next[r] = s.token[r] >= 0 ? s.token[r] : cfg.padId();
                    }
                    logProbs = run.stepLogProbs(next, users * beams);
                }
            }
            return s.results(node, score, hist);
        }
    }

    /**
     * One selection step (public for the lcrec-bench benchmarks of the decode hot path): scores the
     * allowed edges of every live row with its log-softmax, keeps the best {@code beams} per
     * prompt, and fills the workspace's new beams ({@link Workspace#origin()}, {@link
     * Workspace#tokens()}, ...).
     *
     * @param c the constraint
     * @param logits the rows' logits, row-major {@code rows × vocab}, normalised here; or {@code
     *     null} when {@code logProbs} is given
     * @param logProbs the rows' log-probabilities, row-major {@code rows × vocab} (see {@link
     *     DecoderRun#stepLogProbs}); or {@code null} when {@code logits} is given
     * @param vocab the vocabulary size
     * @param node each row's constraint state (-1 for a dead row)
     * @param score each row's score so far
     * @param hist each row's tokens so far, row-major {@code rows × depth}
     * @param rowsPerUser rows per prompt in the input (1 after the prefill, beams afterwards)
     * @param step the step index, 0-based
     * @param s the workspace receiving the new beams
     */
    public static void select(
            DecodingConstraint c,
            float[] logits,
            FloatBuffer logProbs,
            int vocab,
            int[] node,
            float[] score,
            int[] hist,
            int rowsPerUser,
            int step,
            Workspace s) {
        select(c, logits, logProbs, vocab, node, score, hist, rowsPerUser, step, null, s);
    }

    /**
     * One selection step that never enters a node the exclusion marks dead for the row's prompt.
     *
     * @param c the constraint
     * @param logits the rows' logits, row-major {@code rows × vocab}, normalised here; or {@code
     *     null} when {@code logProbs} is given
     * @param logProbs the rows' log-probabilities, row-major {@code rows × vocab}; or {@code null}
     *     when {@code logits} is given
     * @param vocab the vocabulary size
     * @param node each row's constraint state (-1 for a dead row)
     * @param score each row's score so far
     * @param hist each row's tokens so far, row-major {@code rows × depth}
     * @param rowsPerUser rows per prompt in the input (1 after the prefill, beams afterwards)
     * @param step the step index, 0-based
     * @param exclusion dead nodes per prompt, made by {@code c} for the workspace's prompts; or
     *     {@code null} for none
     * @param s the workspace receiving the new beams
     * @throws IllegalArgumentException if the exclusion belongs to another constraint or another
     *     number of prompts
     * @throws DecodingException naming the step, prompt and token if an allowed token's
     *     log-probability is NaN or +infinity (a model with non-finite weights)
     */
    public static void select(
            DecodingConstraint c,
            float[] logits,
            FloatBuffer logProbs,
            int vocab,
            int[] node,
            float[] score,
            int[] hist,
            int rowsPerUser,
            int step,
            ItemTrie.Exclusion exclusion,
            Workspace s) {
        checkExclusion(c, exclusion, s.users);
        int beams = s.beams;
        int depth = s.depth;
        long fan = s.fan;
        TopK top = s.top;
        for (int u = 0; u < s.users; u++) {
            top.reset(beams);
            for (int b = 0; b < rowsPerUser; b++) {
                int r = u * rowsPerUser + b;
                int n = node[r];
                if (n < 0) {
                    continue;
                }
                int e0 = c.firstEdge(n);
                int e1 = c.endEdge(n);
                if (e0 == e1) {
                    continue;
                }
                int off = r * vocab;
                float base =
                        logProbs != null
                                ? score[r]
                                : score[r] - LogitKernels.logSumExp(logits, off, vocab);
                // dead nodes of this prompt among the targets [e0, e1): an ItemTrie's edge is its
                // target node, so both are ascending and one merge pass skips them
                int d = 0;
                int dEnd = 0;
                if (exclusion != null) {
                    d = exclusion.firstDeadAtOrAfter(u, e0);
                    dEnd = exclusion.deadLimit(u);
                }
                if (d < dEnd && exclusion.deadNode(d) < e1) {
                    for (int e = e0; e < e1; e++) {
                        if (d < dEnd && exclusion.deadNode(d) == e) {
                            d++;
                            continue;
                        }
                        int t = c.edgeToken(e);
                        float lp = logProbs != null ? logProbs.get(off + t) : logits[off + t];
                        top.offer(base + lp, b * fan + (e - e0));
                    }
                } else if (logProbs != null) {
                    for (int e = e0; e < e1; e++) {
                        top.offer(base + logProbs.get(off + c.edgeToken(e)), b * fan + (e - e0));
                    }
                } else {
                    for (int e = e0; e < e1; e++) {
                        top.offer(base + logits[off + c.edgeToken(e)], b * fan + (e - e0));
                    }
                }
            }
            int kept = top.drainBestFirst(s.keptScore, s.keptKey);
            long nan = top.firstNaNKey();
            long negInf = top.firstNegativeInfinityKey();
            if (nan >= 0
                    || negInf >= 0
                    || (kept > 0 && s.keptScore[0] == Float.POSITIVE_INFINITY)) {
                long key = nan >= 0 ? nan : negInf >= 0 ? negInf : s.keptKey[0];
                int r = u * rowsPerUser + (int) (key / fan);
                int e = c.firstEdge(node[r]) + (int) (key % fan);
                throw new DecodingException(
                        "step "
                                + step
                                + ", prompt "
                                + u
                                + ": expected finite log-probabilities for the allowed tokens,"
                                + " found "
                                + (nan >= 0 ? "NaN" : negInf >= 0 ? "-Infinity" : "+Infinity")
                                + " for token "
                                + c.edgeToken(e)
                                + " (the model's weights or inputs hold non-finite values)");
            }
            for (int i = 0; i < beams; i++) {
                int dst = u * beams + i;
                if (i < kept) {
                    int b = (int) (s.keptKey[i] / fan);
                    int r = u * rowsPerUser + b;
                    int e = c.firstEdge(node[r]) + (int) (s.keptKey[i] % fan);
                    s.newNode[dst] = c.edgeTarget(e);
                    s.newScore[dst] = s.keptScore[i];
                    s.origin[dst] = r;
                    s.token[dst] = c.edgeToken(e);
                    if (step > 0) {
                        System.arraycopy(hist, r * depth, s.newTokens, dst * depth, step);
                    }
                    s.newTokens[dst * depth + step] = s.token[dst];
                } else {
                    s.newNode[dst] = -1;
                    s.newScore[dst] = Float.NEGATIVE_INFINITY;
                    s.origin[dst] = u * rowsPerUser;
                    s.token[dst] = -1;
                }
            }
        }
    }

    private static void checkExclusion(
            DecodingConstraint c, ItemTrie.Exclusion exclusion, int prompts) {
        if (exclusion == null) {
            return;
        }
        if (exclusion.trie() != c) {
            throw new IllegalArgumentException(
                    "the exclusion was made for "
                            + exclusion.trie()
                            + ", but the search runs under "
                            + c
                            + "; make it with that constraint's ItemTrie.exclude");
        }
        if (exclusion.prompts() != prompts) {
            throw new IllegalArgumentException(
                    "expected an exclusion for "
                            + prompts
                            + " prompts, found one for "
                            + exclusion.prompts());
        }
    }

    /** Work arrays of one search (rows = users × beams); not thread-safe. */
    public static final class Workspace {
        final int users;
        final int beams;
        final int depth;
        final int fan;
        final TopK top;
        final float[] keptScore;
        final long[] keptKey;
        final int[] newNode;
        final float[] newScore;
        final int[] newTokens;
        final int[] origin;
        final int[] token;

        /**
         * @param users prompts
         * @param beams beams per prompt
         * @param depth the constraint's depth
         * @param fan the constraint's largest fan-out
         */
        public Workspace(int users, int beams, int depth, int fan) {
            this.users = users;
            this.beams = beams;
            this.depth = depth;
            this.fan = fan;
            top = new TopK(beams);
            keptScore = new float[beams];
            keptKey = new long[beams];
            int rows = users * beams;
            newNode = new int[rows];
            newScore = new float[rows];
            newTokens = new int[rows * depth];
            origin = new int[rows];
            token = new int[rows];
        }

        /**
         * @return for each new row, the input row it continues
         */
        public int[] origin() {
            return origin;
        }

        /**
         * @return for each new row, the token it emitted (-1 for a dead row)
         */
        public int[] tokens() {
            return token;
        }

        /**
         * @return each new row's score
         */
        public float[] scores() {
            return newScore;
        }

        /**
         * @return each new row's constraint state (-1 for a dead row)
         */
        public int[] nodes() {
            return newNode;
        }

        List<BeamResult> results(int[] node, float[] score, int[] hist) {
            BeamResult[] out = new BeamResult[users];
            for (int u = 0; u < users; u++) {
                int live = 0;
                while (live < beams && node[u * beams + live] >= 0) {
                    live++;
                }
                int[] leaves = new int[live];
                float[] scores = new float[live];
                int[][] tokens = new int[live][];
                for (int i = 0; i < live; i++) {
                    int r = u * beams + i;
                    leaves[i] = node[r];
                    scores[i] = score[r];
                    tokens[i] = Arrays.copyOfRange(hist, r * depth, (r + 1) * depth);
                }
                out[u] = new BeamResult(leaves, scores, tokens);
            }
            return List.of(out);
        }
    }
}
