package org.lcrec.model.sft;

/**
 * A unit of supervised training data: either a prompt with one response ({@link SftExample}, the
 * loss on the response and EOS) or a whole sequence with several target spans ({@link SftSequence},
 * the loss on every span), so that one pass over a user's sequence trains every next-item target in
 * it.
 */
public sealed interface SftInput permits SftExample, SftSequence {}
