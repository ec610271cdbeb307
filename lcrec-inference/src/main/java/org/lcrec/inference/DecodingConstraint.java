package org.lcrec.inference;

/**
 * What the beam search may emit at each step, as a graph: states (nodes) with outgoing edges that
 * each carry one token. The search starts at {@link #root()} and takes exactly {@link #depth()}
 * steps; the node reached names the prediction.
 *
 * <p>Edges of a node are numbered {@code [firstEdge(node), endEdge(node))} with tokens ascending.
 *
 * @implNote implementations are immutable and thread-safe.
 */
public sealed interface DecodingConstraint permits ItemTrie, PerPositionConstraint {
    /**
     * @return the start state
     */
    int root();

    /**
     * @return the number of tokens every prediction has (levels, plus one with an EOS step)
     */
    int depth();

    /**
     * @param node a state
     * @return its first edge
     */
    int firstEdge(int node);

    /**
     * @param node a state
     * @return one past its last edge
     */
    int endEdge(int node);

    /**
     * @param edge an edge
     * @return the token it emits
     */
    int edgeToken(int edge);

    /**
     * @param edge an edge
     * @return the state it leads to
     */
    int edgeTarget(int edge);

    /**
     * @return the largest number of edges out of any state
     */
    int maxFanOut();

    /**
     * @param leaf the state reached after {@link #depth()} steps
     * @param tokens the tokens emitted on the way
     * @return the items the prediction names, ascending; empty if it names none (only possible for
     *     {@link PerPositionConstraint})
     */
    int[] items(int leaf, int[] tokens);

    /**
     * @return which constraint this is
     */
    ConstraintMode mode();
}
