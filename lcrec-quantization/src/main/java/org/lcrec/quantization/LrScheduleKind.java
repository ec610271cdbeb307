package org.lcrec.quantization;

/** The learning-rate schedule after warmup (LC-Rec's {@code --lr_scheduler_type}). */
public enum LrScheduleKind {
    /** Linear decay to 0 at the last step. */
    LINEAR,
    /** Constant (LC-Rec's default). */
    CONSTANT
}
