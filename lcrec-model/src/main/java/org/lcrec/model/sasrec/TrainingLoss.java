package org.lcrec.model.sasrec;

/** What SASRec minimises at every non-padding position of a training window. */
public enum TrainingLoss {
    /**
     * Cross-entropy of a softmax over all items (the default). Klenitskiy &amp; Vasilev (RecSys
     * 2023, "Turning Dross Into Gold Loss: is BERT4Rec really better than SASRec?") showed that
     * SASRec trained this way outperforms both the original sampled loss and BERT4Rec.
     */
    FULL_SOFTMAX,

    /**
     * The paper's binary cross-entropy with one negative per position, drawn uniformly from the
     * items outside the user's training sequence (Kang &amp; McAuley 2018, eq. 9). Much cheaper per
     * step with large catalogues, usually less accurate.
     */
    SAMPLED_BCE
}
