package org.lcrec.quantization;

/** What {@link RqVaeTrainer} does with codes that no item uses at the end of an epoch. */
public enum DeadCodePolicy {
    /** Move each unused code onto the residual of a randomly drawn item (seeded). */
    RESEED,
    /** Leave unused codes as they are (LC-Rec's behaviour). */
    KEEP,
    /** Stop training with a {@link QuantizationException} naming the level and the codes. */
    FAIL
}
