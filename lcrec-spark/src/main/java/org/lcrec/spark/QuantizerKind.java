package org.lcrec.spark;

import java.nio.file.Path;
import org.lcrec.quantization.ItemQuantizer;
import org.lcrec.quantization.RqKMeansModel;
import org.lcrec.quantization.RqVaeModel;

/** Which trained quantizer a model file holds, and so how to load it. */
public enum QuantizerKind {
    /** {@link RqKMeansModel#save}'s file. */
    RQ_KMEANS,
    /** {@link RqVaeModel#save}'s file. */
    RQ_VAE;

    /**
     * @param file the model file
     * @return the quantizer (an RQ-VAE holds an ONNX Runtime session: close it)
     */
    public ItemQuantizer load(Path file) {
        return switch (this) {
            case RQ_KMEANS -> RqKMeansModel.load(file);
            case RQ_VAE -> RqVaeModel.load(file);
        };
    }
}
