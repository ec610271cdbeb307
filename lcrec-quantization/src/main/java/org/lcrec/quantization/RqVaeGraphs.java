package org.lcrec.quantization;

import org.lcrec.onnx.DType;
import org.lcrec.onnx.Dim;
import org.lcrec.onnx.Graph;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.Init;
import org.lcrec.onnx.Losses;
import org.lcrec.onnx.Tensor;

/**
 * The RQ-VAE as ONNX graphs (built on lcrec-onnx): the training graph (forward + losses; the
 * trainer adds the backward pass) and the inference graphs of the encoder and decoder, which share
 * parameter names so one {@link org.lcrec.onnx.ParameterStore} feeds them all.
 */
final class RqVaeGraphs {
    static final String X = "x";
    static final String Z = "z";
    static final String XQ = "xq";
    static final String RECON = "recon";

    private RqVaeGraphs() {}

    static String codesInput(int level) {
        return "codes." + level;
    }

    static String distOutput(int level) {
        return "dist." + level;
    }

    static String codebook(int level) {
        return "codebook." + level;
    }

    static int[] encoderDims(int inputDim, RqVaeConfig c) {
        int[] layers = c.encoderLayers();
        int[] dims = new int[layers.length + 2];
        dims[0] = inputDim;
        System.arraycopy(layers, 0, dims, 1, layers.length);
        dims[dims.length - 1] = c.latentDim();
        return dims;
    }

    static int[] decoderDims(int inputDim, RqVaeConfig c) {
        int[] e = encoderDims(inputDim, c);
        int[] d = new int[e.length];
        for (int i = 0; i < e.length; i++) {
            d[i] = e[e.length - 1 - i];
        }
        return d;
    }

    /** Batch-norm epsilon (PyTorch's BatchNorm1d default). */
    static final double BN_EPS = 1e-5;

    /**
     * LC-Rec's MLP: per layer Dropout → Linear (xavier-normal, zero bias) → [BatchNorm] → ReLU, the
     * last layer without batch-norm and ReLU. Batch-norm normalises by the batch's statistics when
     * {@code train} (and outputs them as {@code <scope>.bn.batch_mean/var} for the population pass)
     * and by the stored population statistics otherwise.
     */
    static Tensor mlp(
            GraphBuilder g,
            String scope,
            Tensor x,
            int[] dims,
            double dropout,
            boolean bn,
            boolean train) {
        Tensor h = x;
        for (int i = 0; i + 1 < dims.length; i++) {
            g.pushScope(scope + "." + i);
            h = g.dropout(h, dropout);
            Tensor w = g.parameter("weight", Init.xavierNormal(), dims[i], dims[i + 1]);
            Tensor b = g.parameter("bias", Init.zeros(), dims[i + 1]);
            h = g.linear(h, w, b);
            if (i + 2 < dims.length) {
                if (bn) {
                    h = batchNorm(g, scope + "." + i, h, dims[i + 1], train);
                }
                h = g.relu(h);
            }
            g.popScope();
        }
        return h;
    }

    private static Tensor batchNorm(GraphBuilder g, String scope, Tensor h, int d, boolean train) {
        Tensor gamma = g.parameter("bn.weight", Init.ones(), d);
        Tensor beta = g.parameter("bn.bias", Init.zeros(), d);
        Tensor runMean = g.frozenParameter("bn.running_mean", Init.zeros(), d);
        Tensor runVar = g.frozenParameter("bn.running_var", Init.ones(), d);
        Tensor normed;
        if (train) {
            Tensor mean = g.reduceMean(h, true, 0);
            Tensor centred = g.sub(h, mean);
            Tensor var = g.reduceMean(g.mul(centred, centred), true, 0);
            g.output(bnMean(scope), mean);
            g.output(bnVar(scope), var);
            normed = g.div(centred, g.sqrt(g.add(var, BN_EPS)));
        } else {
            normed = g.div(g.sub(h, runMean), g.sqrt(g.add(runVar, BN_EPS)));
        }
        return g.add(g.mul(normed, gamma), beta);
    }

    static String bnMean(String layerScope) {
        return layerScope + ".bn.batch_mean";
    }

    static String bnVar(String layerScope) {
        return layerScope + ".bn.batch_var";
    }

    /** The scopes of the layers that carry batch-norm (hidden layers of encoder and decoder). */
    static java.util.List<String> bnLayers(int inputDim, RqVaeConfig c) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (!c.batchNorm()) {
            return out;
        }
        for (int i = 0; i + 2 < encoderDims(inputDim, c).length; i++) {
            out.add("encoder." + i);
        }
        for (int i = 0; i + 2 < decoderDims(inputDim, c).length; i++) {
            out.add("decoder." + i);
        }
        return out;
    }

    /** Squared L2 distances {@code [batch, K]} from rows of {@code r} to rows of {@code c}. */
    static Tensor squaredDistances(GraphBuilder g, Tensor r, Tensor c) {
        Tensor rr = g.reduceSum(g.mul(r, r), true, 1);
        Tensor cc = g.reduceSum(g.mul(c, c), false, 1);
        Tensor rc = g.matMul(r, g.transpose(c, 1, 0));
        return g.add(g.sub(rr, g.mul(rc, 2.0)), cc);
    }

    /**
     * Builds the training graph into {@code g}.
     *
     * @return the scalar loss
     */
    static Tensor training(GraphBuilder g, int inputDim, RqVaeConfig c) {
        Tensor x = g.input(X, DType.FLOAT, Dim.dim("batch"), inputDim);
        Tensor z = mlp(g, "encoder", x, encoderDims(inputDim, c), c.dropout(), c.batchNorm(), true);
        g.output(Z, z);
        int k = c.codes();
        double[] sk = c.sinkhornEpsilons();
        Tensor residual = z;
        Tensor xq = null;
        Tensor quantLoss = null;
        for (int l = 0; l < c.levels(); l++) {
            Tensor book =
                    g.parameter(codebook(l), Init.uniform(-1.0 / k, 1.0 / k), k, c.latentDim());
            Tensor dist = squaredDistances(g, residual, book);
            Tensor idx;
            if (sk[l] > 0) {
                // the trainer runs Sinkhorn on these distances in Java and feeds the codes back
                g.output(distOutput(l), dist);
                idx = g.input(codesInput(l), DType.INT64, Dim.dim("batch"));
            } else {
                idx = g.argMin(dist, 1, false);
            }
            Tensor q = g.gather(book, idx, 0);
            Tensor levelLoss =
                    g.add(
                            Losses.vqCodebook(g, residual, q),
                            g.mul(Losses.vqCommitment(g, residual, q), c.beta()));
            quantLoss = quantLoss == null ? levelLoss : g.add(quantLoss, levelLoss);
            Tensor st = Losses.straightThrough(g, residual, q);
            residual = g.sub(residual, st);
            xq = xq == null ? st : g.add(xq, st);
        }
        Tensor recon =
                mlp(g, "decoder", xq, decoderDims(inputDim, c), c.dropout(), c.batchNorm(), true);
        g.output(RECON, recon);
        Tensor rec =
                c.reconstructionLoss() == ReconstructionLoss.MSE
                        ? Losses.mse(g, recon, x)
                        : Losses.l1(g, recon, x);
        return g.add(rec, g.mul(quantLoss, 1.0 / c.levels()));
    }

    /** The encoder for inference: {@code x → z}. */
    static Graph encoder(int inputDim, RqVaeConfig c) {
        GraphBuilder g = new GraphBuilder("rqvae-encoder").training(false);
        Tensor x = g.input(X, DType.FLOAT, Dim.dim("batch"), inputDim);
        g.output(Z, mlp(g, "encoder", x, encoderDims(inputDim, c), 0, c.batchNorm(), false));
        return g.build();
    }

    /** The decoder for inference: {@code xq → recon}. */
    static Graph decoder(int inputDim, RqVaeConfig c) {
        GraphBuilder g = new GraphBuilder("rqvae-decoder").training(false);
        Tensor xq = g.input(XQ, DType.FLOAT, Dim.dim("batch"), c.latentDim());
        g.output(RECON, mlp(g, "decoder", xq, decoderDims(inputDim, c), 0, c.batchNorm(), false));
        return g.build();
    }

    /** All parameters of the model (for allocating a store to load into). */
    static GraphBuilder specs(int inputDim, RqVaeConfig c) {
        GraphBuilder g = new GraphBuilder("rqvae").training(false);
        training(g, inputDim, c);
        return g;
    }
}
