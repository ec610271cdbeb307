package org.lcrec.quantization;

/** The RQ-VAE reconstruction loss (LC-Rec's {@code --loss_type}). */
public enum ReconstructionLoss {
    /** Mean squared error (LC-Rec's default). */
    MSE,
    /** Mean absolute error. */
    L1
}
