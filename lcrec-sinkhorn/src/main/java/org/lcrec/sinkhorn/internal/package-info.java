/**
 * Double-precision kernels of the Sinkhorn iterations over row ranges, {@code (array, ..., first,
 * limit)} style, no allocation. Not API: used by {@link org.lcrec.sinkhorn.SinkhornSolver} and by
 * the benchmarks that time one iteration.
 */
package org.lcrec.sinkhorn.internal;
