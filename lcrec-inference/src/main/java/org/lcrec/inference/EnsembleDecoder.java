package org.lcrec.inference;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.lcrec.inference.internal.LogitKernels;

/**
 * An equally weighted mixture of several decoders over one vocabulary: at every step the next-token
 * distribution is the mean of the members' distributions, {@code log((1/n) Σ_i p_i(v))}, computed
 * stably from the members' log-probabilities. The beam search needs nothing else: it decodes the
 * mixture exactly as it decodes one model, so constraints, history exclusion and batching are
 * unchanged.
 *
 * <p>Typical members are the same recipe trained with different seeds on one index and one
 * vocabulary (see {@link Recommender#openEnsemble}); averaging their distributions broadens the
 * sharp heads that one model's beams return. Members may differ in size (layers, heads), but not in
 * vocabulary or special ids.
 *
 * <p>{@link DecoderRun#forward} returns the mixture's log-probabilities as the logits: their
 * softmax is the mixture itself.
 *
 * @implNote Each step runs every member, so a step costs the members' steps together plus {@code n}
 *     exponentials per vocabulary entry and row. Thread-safe as the members are: each {@link
 *     DecoderRun} holds one run per member.
 */
public final class EnsembleDecoder implements CausalDecoder {
    private final List<CausalDecoder> members;
    private final DecoderConfig config;
    private volatile boolean closed;

    private EnsembleDecoder(List<CausalDecoder> members) {
        this.members = members;
        this.config = members.get(0).config();
    }

    /**
     * @param members at least one decoder, all with the same vocabulary size and BOS, EOS and pad
     *     ids; the ensemble owns them and closes them
     * @return the mixture
     * @throws IllegalArgumentException if there are no members or their vocabularies differ
     */
    public static EnsembleDecoder of(List<? extends CausalDecoder> members) {
        Objects.requireNonNull(members, "members");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member, found none");
        }
        List<CausalDecoder> m = new ArrayList<>(members.size());
        for (CausalDecoder d : members) {
            m.add(Objects.requireNonNull(d, "member"));
        }
        DecoderConfig first = m.get(0).config();
        for (int i = 1; i < m.size(); i++) {
            DecoderConfig c = m.get(i).config();
            if (c.vocabularySize() != first.vocabularySize()
                    || c.bosId() != first.bosId()
                    || c.eosId() != first.eosId()
                    || c.padId() != first.padId()) {
                throw new IllegalArgumentException(
                        "ensemble member "
                                + i
                                + " ("
                                + m.get(i)
                                + "): expected the vocabulary of member 0 (size "
                                + first.vocabularySize()
                                + ", bos "
                                + first.bosId()
                                + ", eos "
                                + first.eosId()
                                + ", pad "
                                + first.padId()
                                + "), found size "
                                + c.vocabularySize()
                                + ", bos "
                                + c.bosId()
                                + ", eos "
                                + c.eosId()
                                + ", pad "
                                + c.padId());
            }
        }
        return new EnsembleDecoder(List.copyOf(m));
    }

    /**
     * @return the members, in order
     */
    public List<CausalDecoder> members() {
        return members;
    }

    /**
     * @return the first member's config (the vocabulary and special ids are every member's; the
     *     layer and head counts are the first member's)
     */
    @Override
    public DecoderConfig config() {
        return config;
    }

    /**
     * @return false: the ensemble's runs reorder by calling each member's {@link
     *     DecoderRun#reorder}, whichever way that member does it
     */
    @Override
    public boolean reordersInGraph() {
        return false;
    }

    @Override
    public DecoderRun newRun() {
        return open(CausalDecoder::newRun);
    }

    @Override
    public DecoderRun newBeamRun() {
        return open(CausalDecoder::newBeamRun);
    }

    private DecoderRun open(Function<CausalDecoder, DecoderRun> opener) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        List<DecoderRun> runs = new ArrayList<>(members.size());
        try {
            for (CausalDecoder d : members) {
                runs.add(opener.apply(d));
            }
        } catch (RuntimeException e) {
            for (DecoderRun r : runs) {
                r.close();
            }
            throw e;
        }
        return new Run(runs, config.vocabularySize());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (CausalDecoder d : members) {
            try {
                d.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "EnsembleDecoder(members=" + members.size() + ", " + members + ")";
    }

    /**
     * Mixes member rows in place into {@code out}: {@code out[j] = log((1/n) Σ_i exp(in_i[j]))}.
     * Each member's input is log-probabilities or logits; logits are normalised per row first.
     *
     * @param in per member, row-major {@code rows × vocab}
     * @param normalise whether the inputs are logits to be normalised per row
     * @param rows the row count
     * @param vocab the vocabulary size
     * @param out receives the mixture's log-probabilities
     */
    static void mix(float[][] in, boolean normalise, int rows, int vocab, float[] out) {
        int n = in.length;
        float logN = (float) Math.log(n);
        float[] shift = new float[n];
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            for (int i = 0; i < n; i++) {
                shift[i] = normalise ? LogitKernels.logSumExp(in[i], base, vocab) : 0f;
            }
            for (int v = base; v < base + vocab; v++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    m = Math.max(m, in[i][v] - shift[i]);
                }
                if (m == Float.NEGATIVE_INFINITY || Float.isNaN(m)) {
                    out[v] = m;
                    continue;
                }
                float s = 0;
                for (int i = 0; i < n; i++) {
                    s += LogitKernels.exp(in[i][v] - shift[i] - m);
                }
                out[v] = m + (float) Math.log(s) - logN;
            }
        }
    }

    private static float[] copy(FloatBuffer b, int length) {
        if (b.limit() < length) {
            throw new IllegalStateException(
                    "ensemble member returned "
                            + b.limit()
                            + " log-probabilities, expected "
                            + length);
        }
        float[] a = new float[length];
        b.get(0, a, 0, length);
        return a;
    }

    /** One generation: a run per member, stepped together. */
    private static final class Run implements DecoderRun {
        private final List<DecoderRun> runs;
        private final int vocab;
        private float[] last = new float[0];
        private boolean runClosed;

        Run(List<DecoderRun> runs, int vocab) {
            this.runs = runs;
            this.vocab = vocab;
        }

        private void checkOpen() {
            if (runClosed) {
                throw new IllegalStateException("ensemble run is closed");
            }
        }

        @Override
        public float[] forward(long[] ids, int rows, int seq, long[] mask) {
            checkOpen();
            float[][] in = new float[runs.size()][];
            for (int i = 0; i < in.length; i++) {
                // each member's array stays valid until that member's next call, after the mix
                in[i] = runs.get(i).forward(ids, rows, seq, mask);
            }
            if (last.length != rows * vocab) {
                last = new float[rows * vocab];
            }
            mix(in, true, rows, vocab, last);
            return last;
        }

        @Override
        public float[] forwardAllPositions(long[] ids, int rows, int seq, long[] mask) {
            checkOpen();
            float[][] in = new float[runs.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = runs.get(i).forwardAllPositions(ids, rows, seq, mask);
            }
            float[] out = new float[rows * seq * vocab];
            mix(in, true, rows * seq, vocab, out);
            return out;
        }

        @Override
        public FloatBuffer stepLogProbs(long[] ids, int rows) {
            checkOpen();
            float[][] in = new float[runs.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = copy(runs.get(i).stepLogProbs(ids, rows), rows * vocab);
            }
            float[] out = new float[rows * vocab];
            mix(in, false, rows, vocab, out);
            return FloatBuffer.wrap(out);
        }

        @Override
        public FloatBuffer prefillLogProbs(long[] ids, int rows, int seq, long[] mask) {
            checkOpen();
            float[][] in = new float[runs.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = copy(runs.get(i).prefillLogProbs(ids, rows, seq, mask), rows * vocab);
            }
            float[] out = new float[rows * vocab];
            mix(in, false, rows, vocab, out);
            return FloatBuffer.wrap(out);
        }

        @Override
        public void reorder(int[] origin) {
            checkOpen();
            for (DecoderRun r : runs) {
                r.reorder(origin);
            }
        }

        @Override
        public int rows() {
            return runs.get(0).rows();
        }

        @Override
        public int pastLength() {
            return runs.get(0).pastLength();
        }

        @Override
        public void close() {
            if (runClosed) {
                return;
            }
            runClosed = true;
            for (DecoderRun r : runs) {
                r.close();
            }
        }
    }
}
