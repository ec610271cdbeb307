package org.lcrec.inference;

/** How the beam search restricts the tokens it may emit. */
public enum ConstraintMode {
    /**
     * An exact prefix trie of the index ({@link ItemTrie}): every finished beam is a real item. The
     * default.
     */
    TRIE,
    /**
     * LC-Rec's constraint ({@link PerPositionConstraint}): at step {@code i} any token seen at
     * level {@code i} in any item, so beams can spell combinations that name no item. Kept for
     * comparison; such predictions are returned as invalid and counted.
     */
    PER_POSITION
}
