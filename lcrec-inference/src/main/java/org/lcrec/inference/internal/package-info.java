/**
 * Hot loops of the decoder step (log-sum-exp over a vocabulary row, bounded top-k selection) as
 * static methods over primitive arrays. Not API: used by {@link org.lcrec.inference.BeamSearch} and
 * the lcrec-bench benchmarks.
 */
package org.lcrec.inference.internal;
