package org.lcrec.quantization;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** The versioned binary header shared by the quantizer model files. */
final class ModelFiles {
    /** First field of every model file. */
    static final String MAGIC = "lcrec-quantizer";

    /** The RQ-VAE metadata's format version, which this build writes and reads. */
    static final int VERSION = 1;

    private ModelFiles() {}

    /** A file's header: its format version and the model kind. */
    record Header(int version, String kind) {}

    static void writeHeader(DataOutputStream out, int version, String kind) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(version);
        out.writeUTF(kind);
    }

    /**
     * Reads and checks the header.
     *
     * @param in the stream
     * @param file its name, for messages
     * @param versions the versions this build reads, ascending
     * @return the header
     * @throws QuantizationException naming the file if it is no model file or of another version
     */
    static Header readHeader(DataInputStream in, Path file, int... versions) throws IOException {
        String magic;
        try {
            magic = in.readUTF();
        } catch (IOException e) {
            throw new QuantizationException(
                    file + ": expected an lcrec-quantizer model file, found other bytes", e);
        }
        if (!MAGIC.equals(magic)) {
            throw new QuantizationException(
                    file + ": expected an lcrec-quantizer model file, found \"" + magic + "\"");
        }
        int version = in.readInt();
        if (Arrays.stream(versions).noneMatch(v -> v == version)) {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < versions.length; i++) {
                known.append(i == 0 ? "" : i == versions.length - 1 ? " and " : ", ")
                        .append(versions[i]);
            }
            throw new QuantizationException(
                    file
                            + ": unknown lcrec-quantizer format version "
                            + version
                            + " (this build reads version"
                            + (versions.length > 1 ? "s " : " ")
                            + known
                            + ")");
        }
        return new Header(version, in.readUTF());
    }

    static void writeCodebook(DataOutputStream out, Codebook b) throws IOException {
        out.writeInt(b.size());
        out.writeInt(b.dim());
        for (float v : b.array()) {
            out.writeFloat(v);
        }
    }

    static Codebook readCodebook(DataInputStream in, Path file, int level) throws IOException {
        int size = in.readInt();
        int dim = in.readInt();
        if (size < 1 || dim < 1 || (long) size * dim > 1L << 28) {
            throw new QuantizationException(
                    file + ": codebook " + level + ": implausible shape " + size + "x" + dim);
        }
        float[] v = new float[size * dim];
        for (int k = 0; k < v.length; k++) {
            v[k] = in.readFloat();
        }
        return Codebook.wrap(v, size, dim);
    }
}
