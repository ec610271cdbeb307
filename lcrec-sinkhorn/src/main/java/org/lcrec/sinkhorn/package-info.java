/**
 * Entropic optimal transport and exact capacity-constrained assignment, the two tools that make
 * LC-Rec's "uniform semantic mapping" of items to codes work.
 *
 * <ul>
 *   <li>{@link org.lcrec.sinkhorn.SinkhornSolver} → {@link org.lcrec.sinkhorn.TransportPlan}:
 *       Sinkhorn-Knopp matrix scaling (Cuturi, "Sinkhorn Distances: Lightspeed Computation of
 *       Optimal Transport", NeurIPS 2013) in the plain scaling form and in a log-domain form that
 *       stays finite for very small epsilon; configured by {@link
 *       org.lcrec.sinkhorn.SinkhornConfig}, including LC-Rec's own variant ({@link
 *       org.lcrec.sinkhorn.SinkhornConfig#lcRec(double, int)}).
 *   <li>{@link org.lcrec.sinkhorn.CapacitatedAssignment} → {@link org.lcrec.sinkhorn.Assignment}:
 *       the exact minimum-cost assignment of items to codes where each code takes at most a given
 *       number of items (Hungarian algorithm on items × capacity slots), which is what guarantees
 *       conflict-free semantic IDs.
 * </ul>
 *
 * <p>All arithmetic is in double precision; this package never loads ONNX Runtime.
 */
package org.lcrec.sinkhorn;
