package org.lcrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.OnnxRuntimeException;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * Central finite-difference gradient checks. The function is evaluated as {@code sum(f(x) * R)} for
 * a fixed random R, in double precision where ORT's CPU provider has double kernels for every op
 * involved; otherwise in float, with the tolerance float rounding needs (see {@link #TOL_FLOAT}).
 */
final class GradCheck {
    /** Double precision: step 1e-6, error within 1e-6 absolute + 1e-5 relative. */
    static final double H_DOUBLE = 1e-6;

    static final double TOL_DOUBLE = 1e-6;

    static final double REL_DOUBLE = 1e-5;

    /**
     * Float precision: step 1e-2. What float rounding needs: the loss is a sum of n products
     * rounded to float32 (unit roundoff u = 2^-24, about 6e-8), so each of the two evaluations
     * carries an error of about u * sqrt(n) * sum|terms|, a few 1e-6 for the shapes checked here;
     * the central difference divides their difference by 2h = 2e-2, giving about 1e-4 on the
     * numeric derivative, and its truncation error h^2 f'''(x) / 6 is about 2e-5 for the smooth ops
     * checked. 1e-3 absolute plus 1e-3 relative leaves a margin of about 10 over that estimate and
     * is 20 times tighter than the 2e-2 + 20% the check accepted before.
     */
    static final double H_FLOAT = 1e-2;

    static final double TOL_FLOAT = 1e-3;

    static final double REL_FLOAT = 1e-3;

    /** What a check used. */
    record Outcome(DType dtype, int checked) {}

    private GradCheck() {}

    /**
     * Checks gradients of {@code f} w.r.t. floating inputs of the given shapes (values from {@code
     * seed}); {@code positive} keeps inputs in (0.5, 1.5) for log/sqrt/pow.
     */
    static Outcome check(
            String label,
            long[][] shapes,
            boolean positive,
            BiFunction<GraphBuilder, List<Tensor>, Tensor> f) {
        try {
            return run(label, shapes, positive, f, DType.DOUBLE);
        } catch (OnnxRuntimeException e) {
            if (e.getMessage().contains("NOT_IMPLEMENTED")
                    || e.getMessage().contains("Could not find an implementation")) {
                System.err.println(
                        "GradCheck: " + label + ": no double kernel in ORT CPU, checked in float");
                return run(label, shapes, positive, f, DType.FLOAT);
            }
            throw e;
        }
    }

    static Outcome checkFloat(
            String label,
            long[][] shapes,
            boolean positive,
            BiFunction<GraphBuilder, List<Tensor>, Tensor> f) {
        return run(label, shapes, positive, f, DType.FLOAT);
    }

    private static Outcome run(
            String label,
            long[][] shapes,
            boolean positive,
            BiFunction<GraphBuilder, List<Tensor>, Tensor> f,
            DType dt) {
        GraphBuilder g = new GraphBuilder("gradcheck");
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            Object[] dims = new Object[shapes[i].length];
            for (int k = 0; k < dims.length; k++) {
                dims[k] = shapes[i][k];
            }
            xs.add(g.input("x" + i, dt, dims));
        }
        Tensor out = f.apply(g, xs);
        SplittableRandom rnd = new SplittableRandom(label.hashCode());
        long[] os = out.shape().toArray();
        int on = (int) HostTensor.numElements(os);
        double[] r = new double[on];
        for (int i = 0; i < on; i++) {
            r[i] = rnd.nextDouble() * 2 - 1;
        }
        Tensor rt = g.constant(dt == DType.DOUBLE ? HostTensor.ofDoubles(r, os) : toFloat(r, os));
        Tensor loss = g.reduceSum(g.mul(out, rt), false);
        Gradients gr = Autodiff.gradients(g, loss, xs);
        g.output("loss", loss);
        for (int i = 0; i < xs.size(); i++) {
            g.output("g" + i, gr.of(xs.get(i)));
        }
        byte[] model = OnnxExport.builder().build().toBytes(g.build());
        double h = dt == DType.DOUBLE ? H_DOUBLE : H_FLOAT;
        double tol = dt == DType.DOUBLE ? TOL_DOUBLE : TOL_FLOAT;
        double rel = dt == DType.DOUBLE ? REL_DOUBLE : REL_FLOAT;
        int checked = 0;
        try (InferenceSession s =
                InferenceSession.create(model, SessionConfig.cpu().withIntraOpThreads(1))) {
            List<double[]> vals = new ArrayList<>();
            for (long[] sh : shapes) {
                int n = (int) HostTensor.numElements(sh);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = positive ? 0.5 + rnd.nextDouble() : rnd.nextDouble() * 2 - 1;
                }
                vals.add(v);
            }
            Map<String, HostTensor> res = s.run(feeds(vals, shapes, dt));
            for (int i = 0; i < shapes.length; i++) {
                double[] analytic = res.get("g" + i).toDoubleArray();
                double[] v = vals.get(i);
                assertThat(analytic).as(label + ": gradient length of x" + i).hasSize(v.length);
                for (int j = 0; j < v.length; j++) {
                    double orig = v[j];
                    v[j] = orig + h;
                    double lp = s.run(feeds(vals, shapes, dt)).get("loss").toDoubleArray()[0];
                    v[j] = orig - h;
                    double lm = s.run(feeds(vals, shapes, dt)).get("loss").toDoubleArray()[0];
                    v[j] = orig;
                    double numeric = (lp - lm) / (2 * h);
                    double err = Math.abs(numeric - analytic[j]);
                    assertThat(err)
                            .as(
                                    "%s (%s): d loss / d x%d[%d]: analytic %s, numeric %s",
                                    label, dt, i, j, analytic[j], numeric)
                            .isLessThanOrEqualTo(tol + rel * Math.abs(numeric));
                    checked++;
                }
            }
        }
        return new Outcome(dt, checked);
    }

    private static HostTensor toFloat(double[] r, long[] shape) {
        float[] f = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            f[i] = (float) r[i];
        }
        return HostTensor.ofFloats(f, shape);
    }

    private static Map<String, Object> feeds(List<double[]> vals, long[][] shapes, DType dt) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            m.put(
                    "x" + i,
                    dt == DType.DOUBLE
                            ? HostTensor.ofDoubles(vals.get(i), shapes[i])
                            : toFloat(vals.get(i), shapes[i]));
        }
        return m;
    }
}
