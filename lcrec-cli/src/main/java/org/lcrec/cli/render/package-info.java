/**
 * Pictures of results for people who would rather look than read: PNG charts (training loss, code
 * usage per index level, metrics of several runs) drawn headless with {@code java.awt.image} and
 * written with {@code javax.imageio}, and plain-text tables for a terminal or a notebook cell.
 */
package org.lcrec.cli.render;
