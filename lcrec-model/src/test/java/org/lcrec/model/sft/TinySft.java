package org.lcrec.model.sft;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.onnx.runtime.SessionConfig;

/** Seeded tiny models and SFT sets for tests. */
final class TinySft {
    static final int BOS = 1;
    static final int EOS = 2;

    private TinySft() {}

    static LlamaConfig config(int vocab, boolean tied) {
        return LlamaConfig.builder()
                .vocabSize(vocab)
                .hiddenSize(32)
                .intermediateSize(64)
                .numLayers(2)
                .numHeads(4)
                .numKvHeads(2)
                .tieWordEmbeddings(tied)
                .bosTokenId(BOS)
                .eosTokenId(EOS)
                .padTokenId(0)
                .build();
    }

    /** n examples: BOS + 3..9 random prompt tokens in [3, 3+span), responses of 2..3 tokens. */
    static List<SftExample> examples(
            int n, int span, int responseFrom, int responseSpan, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SftExample> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] p = new int[1 + 3 + r.nextInt(7)];
            p[0] = BOS;
            for (int k = 1; k < p.length; k++) {
                p[k] = 3 + r.nextInt(span);
            }
            int[] resp = new int[2 + r.nextInt(2)];
            for (int k = 0; k < resp.length; k++) {
                resp[k] = responseFrom + r.nextInt(responseSpan);
            }
            ex.add(new SftExample(p, resp));
        }
        return ex;
    }

    static SftConfig.Builder fast() {
        return SftConfig.builder()
                .maxLength(32)
                .batchSize(4)
                .learningRate(3e-3)
                .weightDecay(0)
                .warmupRatio(0.05)
                .schedule(SftConfig.Schedule.CONSTANT)
                .session(SessionConfig.cpu().withIntraOpThreads(1))
                .optimizerThreads(1);
    }
}
