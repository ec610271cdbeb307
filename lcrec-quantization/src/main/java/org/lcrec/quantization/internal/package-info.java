/**
 * Primitive-array kernels (dot products, squared distances, nearest code) and the k-means trainer
 * behind the public quantizers. Not API.
 */
package org.lcrec.quantization.internal;
