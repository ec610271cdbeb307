package org.lcrec.quantization;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** The versioned binary header shared by the quantizer model files. */
final class ModelFiles {
    /** First field of every model file. */
    static final String MAGIC = "lcrec-quantizer";

    /** The format version this build writes and reads. */
    static final int VERSION = 1;

    private ModelFiles() {}

    static void writeHeader(DataOutputStream out, String kind) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(kind);
    }

    /** Reads and checks the header; returns the kind. */
    static String readHeader(DataInputStream in, Path file) throws IOException {
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
        if (version != VERSION) {
            throw new QuantizationException(
                    file
                            + ": unknown lcrec-quantizer format version "
                            + version
                            + " (this build reads version "
                            + VERSION
                            + ")");
        }
        return in.readUTF();
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
