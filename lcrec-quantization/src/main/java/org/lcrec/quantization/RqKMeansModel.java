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
import org.lcrec.core.io.FileChecks;

/**
 * A trained RQ-KMeans quantizer: {@code L} codebooks in the embedding space; an item's code at
 * level {@code l} is the code nearest to what levels {@code < l} left over. Immutable and
 * thread-safe.
 */
public final class RqKMeansModel implements ItemQuantizer {
    static final String KIND = "rq-kmeans";

    /**
     * The file version this build writes: 2 adds the sample bound and the distance kernel to the
     * settings. Version 1 files (no such fields) still load, as trained on every item with {@link
     * DistanceKernel#SCALAR}, which is what the builds writing them did.
     */
    static final int FILE_VERSION = 2;

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
     * @return the k-means inertia (sum of squared distances) of each level at the end of training,
     *     over the training items (the sample, see {@link RqKMeansConfig#maxPointsPerCode()})
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
                items.array(),
                items.rows(),
                inputDim,
                codebooks,
                config.distanceKernel() == DistanceKernel.MATMUL,
                numThreads,
                null);
    }

    /**
     * Writes the model (format {@code lcrec-quantizer} version {@value #FILE_VERSION}, kind {@code
     * rq-kmeans}), atomically.
     *
     * @param file the target
     */
    public void save(Path file) {
        AtomicFiles.write(
                file,
                os -> {
                    DataOutputStream out = new DataOutputStream(os);
                    ModelFiles.writeHeader(out, FILE_VERSION, KIND);
                    out.writeInt(inputDim);
                    out.writeInt(config.levels());
                    out.writeInt(config.codes());
                    out.writeInt(config.maxIterations());
                    out.writeBoolean(config.balanced());
                    out.writeDouble(config.balanceEpsilon());
                    out.writeLong(config.seed());
                    out.writeInt(config.numThreads());
                    out.writeInt(config.maxPointsPerCode());
                    out.writeUTF(config.distanceKernel().name());
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
            ModelFiles.Header h = ModelFiles.readHeader(in, file, 1, FILE_VERSION);
            String kind = h.kind();
            if (!KIND.equals(kind)) {
                throw new QuantizationException(
                        file + ": expected a " + KIND + " model, found \"" + kind + "\"");
            }
            int dim = in.readInt();
            RqKMeansConfig.Builder b =
                    RqKMeansConfig.builder()
                            .levels(in.readInt())
                            .codes(in.readInt())
                            .maxIterations(in.readInt())
                            .balanced(in.readBoolean())
                            .balanceEpsilon(in.readDouble())
                            .seed(in.readLong())
                            .numThreads(in.readInt());
            if (h.version() == 1) {
                b.maxPointsPerCode(0).distanceKernel(DistanceKernel.SCALAR);
            } else {
                b.maxPointsPerCode(in.readInt()).distanceKernel(kernel(in.readUTF(), file));
            }
            RqKMeansConfig cfg = b.build();
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

    private static DistanceKernel kernel(String name, Path file) {
        for (DistanceKernel k : DistanceKernel.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        throw new QuantizationException(
                file
                        + ": expected distance kernel MATMUL or SCALAR, found \""
                        + FileChecks.abbreviate(name)
                        + "\"");
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
