/**
 * Pictures of results for people who would rather look than read: PNG charts (training loss, code
 * usage per index level, metrics of several runs) drawn headless with {@code java.awt.image} and
 * written with {@code javax.imageio}. The plain-text tables of evaluation results are in
 * lcrec-inference's {@code org.lcrec.inference.render}, beside the results they print.
 */
package org.lcrec.core.render;
