package org.lcrec.model.export;

/**
 * Options of {@link DecoderExport}.
 *
 * @param beamIdx whether the graph takes a {@code beam_idx [batch]} input that reorders the past
 *     key/values along the batch inside the graph (beam search without host copies)
 * @param externalData when initialisers go to the side file {@value DecoderExport#DATA_FILE}
 * @param externalThresholdBytes for {@link ExternalData#AUTO}: total weight bytes above which the
 *     weights are written externally (protobuf caps a model file at 2 GB)
 * @param beamGraph whether to write the beam-search graph {@value DecoderExport#BEAM_MODEL_FILE}
 *     beside {@code model.onnx} (prompt cache shared by the beams, LM head at the last position;
 *     see {@link DecoderExport#beamGraph}); with external weights it refers to those in {@value
 *     DecoderExport#DATA_FILE}, inline it holds a second copy
 */
public record ExportOptions(
        boolean beamIdx,
        ExternalData externalData,
        long externalThresholdBytes,
        boolean beamGraph) {
    /** Where weights are written. */
    public enum ExternalData {
        /** External when the weights exceed the threshold. */
        AUTO,
        /** Always in the side file. */
        ALWAYS,
        /** Always inside model.onnx (fails beyond 2 GB). */
        NEVER
    }

    /** Validates. */
    public ExportOptions {
        if (externalData == null) {
            throw new IllegalArgumentException("externalData must not be null");
        }
        if (externalThresholdBytes <= 0) {
            throw new IllegalArgumentException(
                    "externalThresholdBytes must be > 0, found " + externalThresholdBytes);
        }
    }

    /** With {@code beam_idx} and the beam-search graph, weights external above 1 GB. */
    public static ExportOptions defaults() {
        return new ExportOptions(true, ExternalData.AUTO, 1L << 30, true);
    }

    public ExportOptions withBeamIdx(boolean b) {
        return new ExportOptions(b, externalData, externalThresholdBytes, beamGraph);
    }

    public ExportOptions withExternalData(ExternalData e) {
        return new ExportOptions(beamIdx, e, externalThresholdBytes, beamGraph);
    }

    /** With or without the beam-search graph. */
    public ExportOptions withBeamGraph(boolean b) {
        return new ExportOptions(beamIdx, externalData, externalThresholdBytes, b);
    }

    @Override
    public String toString() {
        return "ExportOptions(beamIdx="
                + beamIdx
                + ", externalData="
                + externalData
                + ", threshold="
                + externalThresholdBytes
                + ", beamGraph="
                + beamGraph
                + ")";
    }
}
