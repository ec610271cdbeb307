/**
 * Plain-text tables of evaluation results and paired comparisons, aligned for a terminal or a
 * notebook cell. PNG charts are in lcrec-core's {@code org.lcrec.core.render}.
 */
package org.lcrec.inference.render;
