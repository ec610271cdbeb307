/**
 * Non-neural baselines that give every generative result its context: random, most-popular and
 * item-to-item co-occurrence recommenders, fitted on the training part of a leave-one-out split and
 * scored with the same HR@K / NDCG@K.
 */
package org.lcrec.inference.baseline;
