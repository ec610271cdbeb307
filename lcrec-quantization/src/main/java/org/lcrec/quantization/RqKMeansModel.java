package org.lcrec.quantization;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.lcrec.core.io.AtomicFiles;

/**
 * A trained RQ-KMeans quantizer: {@code L} codebooks in the embedding space; an item's code at
 * level {@code l} is the code nearest to what levels {@code < l} left over. Immutable and
 * thread-safe.
 */
public final class RqKMeansModel implements ItemQuantizer {
    static final String KIND = "rq-kmeans";

    private final Codebook[] codebooks;
    private final int inputDim;
    private final RqKMeansConfig config;
    private final double[] inertia;

    RqKMeansModel(Codebook[] codebooks, int inputDim, RqKMeansConfig config, double[] inertia) {
        this.codebooks = codebooks.clone();
        this.inputDim = inputDim;
        this.config = config;
        this.inertia = inertia.clone();
    }

    @Override
    public int levels() {
        return codebooks.length;
    }

    @Override
    public int codebookSize() {
        return codebooks[0].size();
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public Codebook codebook(int level) {
        return codebooks[level];
    }

    /**
     * @return the settings it was trained with
     */
    public RqKMeansConfig config() {
        return config;
    }

    /**
     * @return the k-means inertia (sum of squared distances) of each level at the end of training
     */
    public double[] inertia() {
        return inertia.clone();
    }

    @Override
    public Encoding encode(Embeddings items, int numThreads) {
        if (items.dim() != inputDim) {
            throw new QuantizationException(
                    "RQ-KMeans encode: expected embeddings of dimension "
                            + inputDim
                            + ", found "
                            + items.dim());
        }
        return ResidualCoding.encode(
                items.array(), items.rows(), inputDim, codebooks, numThreads, null);
    }

    /**
     * Writes the model (format {@code lcrec-quantizer} version 1, kind {@code rq-kmeans}),
     * atomically.
     *
     * @param file the target
     */
    public void save(Path file) {
        AtomicFiles.write(
                file,
                os -> {
                    DataOutputStream out = new DataOutputStream(os);
                    ModelFiles.writeHeader(out, KIND);
                    out.writeInt(inputDim);
                    out.writeInt(config.levels());
                    out.writeInt(config.codes());
                    out.writeInt(config.maxIterations());
                    out.writeBoolean(config.balanced());
                    out.writeDouble(config.balanceEpsilon());
                    out.writeLong(config.seed());
                    out.writeInt(config.numThreads());
                    for (int l = 0; l < codebooks.length; l++) {
                        out.writeDouble(inertia[l]);
                        ModelFiles.writeCodebook(out, codebooks[l]);
                    }
                    out.flush();
                });
    }

    /**
     * @param file a file written by {@link #save(Path)}
     * @return the model
     * @throws QuantizationException naming the file if it is not such a model or has an unknown
     *     version
     */
    public static RqKMeansModel load(Path file) {
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            String kind = ModelFiles.readHeader(in, file);
            if (!KIND.equals(kind)) {
                throw new QuantizationException(
                        file + ": expected a " + KIND + " model, found \"" + kind + "\"");
            }
            int dim = in.readInt();
            RqKMeansConfig cfg =
                    new RqKMeansConfig(
                            in.readInt(),
                            in.readInt(),
                            in.readInt(),
                            in.readBoolean(),
                            in.readDouble(),
                            in.readLong(),
                            in.readInt());
            Codebook[] books = new Codebook[cfg.levels()];
            double[] inertia = new double[cfg.levels()];
            for (int l = 0; l < books.length; l++) {
                inertia[l] = in.readDouble();
                books[l] = ModelFiles.readCodebook(in, file, l);
                if (books[l].size() != cfg.codes() || books[l].dim() != dim) {
                    throw new QuantizationException(
                            file
                                    + ": codebook "
                                    + l
                                    + ": expected "
                                    + cfg.codes()
                                    + "x"
                                    + dim
                                    + ", found "
                                    + books[l].size()
                                    + "x"
                                    + books[l].dim());
                }
            }
            return new RqKMeansModel(books, dim, cfg, inertia);
        } catch (IOException e) {
            throw new QuantizationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RqKMeansModel(levels="
                + levels()
                + ", codes="
                + codebookSize()
                + ", inputDim="
                + inputDim
                + ", inertia="
                + Arrays.toString(inertia)
                + ")";
    }
}
