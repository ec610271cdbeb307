package org.lcrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Every gradient rule against central finite differences (see {@link GradCheck}). */
class GradientRulesTest {
    private static long[][] s(long[]... shapes) {
        return shapes;
    }

    private static long[] d(long... dims) {
        return dims;
    }

    private static GradCheck.Outcome ok(
            String label, long[][] shapes, BiFunction<GraphBuilder, List<Tensor>, Tensor> f) {
        GradCheck.Outcome o = GradCheck.check(label, shapes, false, f);
        assertThat(o.checked()).isPositive();
        return o;
    }

    private static GradCheck.Outcome pos(
            String label, long[][] shapes, BiFunction<GraphBuilder, List<Tensor>, Tensor> f) {
        GradCheck.Outcome o = GradCheck.check(label, shapes, true, f);
        assertThat(o.checked()).isPositive();
        return o;
    }

    @Test
    void binaryWithBroadcasting() {
        assertThat(ok("add", s(d(3, 4), d(4)), (g, x) -> g.add(x.get(0), x.get(1))).dtype())
                .isEqualTo(DType.DOUBLE);
        ok("add-keepdim", s(d(3, 4), d(3, 1)), (g, x) -> g.add(x.get(0), x.get(1)));
        ok("sub", s(d(2, 3, 4), d(1, 3, 1)), (g, x) -> g.sub(x.get(0), x.get(1)));
        ok("mul", s(d(3, 4), d(2, 1, 4)), (g, x) -> g.mul(x.get(0), x.get(1)));
        pos("div", s(d(3, 4), d(4)), (g, x) -> g.div(x.get(0), x.get(1)));
        pos("pow", s(d(3, 4), d(1)), (g, x) -> g.pow(x.get(0), x.get(1)));
        pos("pow-const", s(d(3, 4)), (g, x) -> g.pow(x.get(0), 3.0));
        ok("max", s(d(3, 4), d(4)), (g, x) -> g.max(x.get(0), x.get(1)));
        ok("min", s(d(3, 4), d(3, 4)), (g, x) -> g.min(x.get(0), x.get(1)));
        ok(
                "sum3",
                s(d(3, 4), d(4), d(3, 1)),
                (g, x) -> g.sum(List.of(x.get(0), x.get(1), x.get(2))));
    }

    @Test
    void multiUseAccumulates() {
        ok("x*x+x", s(d(3, 4)), (g, x) -> g.add(g.mul(x.get(0), x.get(0)), x.get(0)));
        ok(
                "reuse-broadcast",
                s(d(3, 4), d(4)),
                (g, x) -> g.mul(g.add(x.get(0), x.get(1)), g.sub(x.get(1), g.tanh(x.get(0)))));
    }

    @Test
    void unary() {
        ok("neg", s(d(5)), (g, x) -> g.neg(x.get(0)));
        pos("sqrt", s(d(5)), (g, x) -> g.sqrt(x.get(0)));
        ok("exp", s(d(5)), (g, x) -> g.exp(x.get(0)));
        pos("log", s(d(5)), (g, x) -> g.log(x.get(0)));
        ok("abs", s(d(5)), (g, x) -> g.abs(x.get(0)));
        pos("reciprocal", s(d(5)), (g, x) -> g.reciprocal(x.get(0)));
        ok("relu", s(d(3, 4)), (g, x) -> g.relu(x.get(0)));
        ok("sigmoid", s(d(3, 4)), (g, x) -> g.sigmoid(x.get(0)));
        ok("tanh", s(d(3, 4)), (g, x) -> g.tanh(x.get(0)));
        ok("silu", s(d(3, 4)), (g, x) -> g.silu(x.get(0)));
        ok("gelu", s(d(3, 4)), (g, x) -> g.gelu(x.get(0)));
        ok("gelu-tanh", s(d(3, 4)), (g, x) -> g.geluTanh(x.get(0)));
        ok("cos", s(d(5)), (g, x) -> g.cos(x.get(0)));
        ok("sin", s(d(5)), (g, x) -> g.sin(x.get(0)));
    }

    @Test
    void matMulAndGemm() {
        ok("matmul", s(d(3, 4), d(4, 5)), (g, x) -> g.matMul(x.get(0), x.get(1)));
        ok("matmul-batched-weight", s(d(2, 3, 4), d(4, 5)), (g, x) -> g.matMul(x.get(0), x.get(1)));
        ok("matmul-batched", s(d(2, 3, 4), d(2, 4, 5)), (g, x) -> g.matMul(x.get(0), x.get(1)));
        ok(
                "matmul-broadcast-batch",
                s(d(2, 1, 3, 4), d(3, 4, 2)),
                (g, x) -> g.matMul(x.get(0), x.get(1)));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                ok(
                        "gemm-" + ta + tb,
                        s(ta ? d(4, 3) : d(3, 4), tb ? d(5, 4) : d(4, 5), d(5)),
                        (g, x) -> g.gemm(x.get(0), x.get(1), x.get(2), 0.7f, 1.3f, ta, tb));
            }
        }
    }

    @Test
    void softmaxAndReductions() {
        ok("softmax", s(d(3, 5)), (g, x) -> g.softmax(x.get(0), -1));
        ok("softmax-axis0", s(d(3, 5)), (g, x) -> g.softmax(x.get(0), 0));
        ok("logsoftmax", s(d(3, 5)), (g, x) -> g.logSoftmax(x.get(0), -1));
        ok("reducesum", s(d(3, 4, 2)), (g, x) -> g.reduceSum(x.get(0), false, 1));
        ok("reducesum-keep", s(d(3, 4, 2)), (g, x) -> g.reduceSum(x.get(0), true, 0, 2));
        ok("reducemean", s(d(3, 4)), (g, x) -> g.reduceMean(x.get(0), false, -1));
        ok("reducemean-all", s(d(3, 4)), (g, x) -> g.reduceMean(x.get(0), false));
        ok("reducemax", s(d(3, 4)), (g, x) -> g.reduceMax(x.get(0), false, 1));
        ok(
                "layernorm",
                s(d(3, 6), d(6), d(6)),
                (g, x) -> g.layerNorm(x.get(0), x.get(1), x.get(2), 1e-5));
        ok("rmsnorm", s(d(3, 6), d(6)), (g, x) -> g.rmsNorm(x.get(0), x.get(1), 1e-6));
    }

    @Test
    void shapeOps() {
        ok("transpose", s(d(2, 3, 4)), (g, x) -> g.transpose(x.get(0), 2, 0, 1));
        ok("reshape", s(d(2, 3, 4)), (g, x) -> g.reshape(x.get(0), 6, -1));
        ok(
                "unsqueeze-squeeze",
                s(d(3, 4)),
                (g, x) -> g.mul(g.unsqueeze(x.get(0), 0), g.unsqueeze(x.get(0), 1)));
        ok("squeeze", s(d(3, 1, 4)), (g, x) -> g.squeeze(x.get(0), 1));
        ok("expand", s(d(3, 1)), (g, x) -> g.expand(x.get(0), g.constantLongs(2, 3, 4)));
        ok("concat", s(d(2, 3), d(2, 2)), (g, x) -> g.concat(1, x.get(0), x.get(1), x.get(0)));
        ok(
                "slice",
                s(d(4, 6)),
                (g, x) ->
                        g.slice(
                                x.get(0),
                                new long[] {1, 2},
                                new long[] {3, -1},
                                new long[] {0, 1},
                                null));
        ok("pad", s(d(2, 3)), (g, x) -> g.pad(x.get(0), new long[] {1, 0, 0, 2}, 0));
        ok(
                "where",
                s(d(3, 4), d(4)),
                (g, x) -> {
                    Tensor c = g.greater(x.get(0), g.scalarLike(0, x.get(0)));
                    return g.where(c, x.get(0), x.get(1));
                });
        ok("trilu", s(d(4, 4)), (g, x) -> g.trilu(x.get(0), false, 0));
        // a round trip through float32 cannot be checked at double precision
        assertThat(
                        GradCheck.checkFloat(
                                        "cast",
                                        s(d(3)),
                                        false,
                                        (g, x) ->
                                                g.cast(
                                                        g.mul(
                                                                g.cast(x.get(0), DType.DOUBLE),
                                                                g.scalar(2, DType.DOUBLE)),
                                                        DType.FLOAT))
                                .checked())
                .isEqualTo(3);
    }

    @Test
    void gatherScatter() {
        ok(
                "gather",
                s(d(5, 3)),
                (g, x) ->
                        g.gather(
                                x.get(0),
                                g.constant(HostTensor.ofLongs(new long[] {0, 2, 2, 4}, 2, 2)),
                                0));
        ok(
                "gatherElements",
                s(d(3, 4)),
                (g, x) ->
                        g.gatherElements(
                                x.get(0),
                                g.constant(HostTensor.ofLongs(new long[] {0, 3, 1, 1, 2, 0}, 3, 2)),
                                1));
        ok(
                "gatherND",
                s(d(3, 4)),
                (g, x) ->
                        g.gatherND(
                                x.get(0),
                                g.constant(
                                        HostTensor.ofLongs(new long[] {0, 1, 2, 3, 0, 1}, 3, 2))));
        ok(
                "scatterElements-add",
                s(d(3, 4), d(3, 2)),
                (g, x) ->
                        g.scatterElements(
                                x.get(0),
                                g.constant(HostTensor.ofLongs(new long[] {0, 3, 1, 1, 2, 0}, 3, 2)),
                                x.get(1),
                                1,
                                "add"));
        ok(
                "scatterElements-none",
                s(d(3, 4), d(3, 2)),
                (g, x) ->
                        g.scatterElements(
                                x.get(0),
                                g.constant(HostTensor.ofLongs(new long[] {0, 3, 1, 2, 2, 0}, 3, 2)),
                                x.get(1),
                                1,
                                "none"));
        ok(
                "scatterND-add",
                s(d(4, 3), d(3, 3)),
                (g, x) ->
                        g.scatterND(
                                x.get(0),
                                g.constant(HostTensor.ofLongs(new long[] {0, 2, 0}, 3, 1)),
                                x.get(1),
                                "add"));
    }

    @Test
    void stopGradientAndIntegerPaths() {
        // d/dx sum(x * stop(x)) = x, where finite differences see 2x: the stopped branch adds
        // nothing
        GraphBuilder g0 = new GraphBuilder("stop");
        Tensor x0 = g0.input("x", DType.DOUBLE, 3);
        Tensor l0 = g0.reduceSum(g0.mul(x0, g0.stopGradient(x0)), false);
        g0.output("g", Autodiff.gradients(g0, l0, List.of(x0)).of(x0));
        try (var sess =
                org.lcrec.onnx.runtime.InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g0.build()),
                        org.lcrec.onnx.runtime.SessionConfig.cpu())) {
            double[] xv = {0.5, -1.25, 2};
            assertThat(
                            sess.run(java.util.Map.of("x", HostTensor.ofDoubles(xv, 3)))
                                    .get("g")
                                    .toDoubleArray())
                    .containsExactly(xv);
        }
        // a loss that depends on x only through stop-gradient has a zero gradient
        GraphBuilder g1 = new GraphBuilder("stop2");
        Tensor x1 = g1.input("x", DType.FLOAT, 2);
        Tensor l1 = g1.reduceSum(g1.exp(g1.stopGradient(x1)), false);
        assertThat(Autodiff.gradients(g1, l1, List.of(x1)).of(x1).producer().opType())
                .isEqualTo("ConstantOfShape");
        // argmax path carries no gradient; gather through it does
        ok(
                "argmax-gather",
                s(d(4, 3)),
                (g, x) -> {
                    Tensor idx = g.argMax(x.get(0), 1, true);
                    return g.gatherElements(x.get(0), idx, 1);
                });
    }

    @Test
    void symbolicBroadcastUsesRuntimeShapes() {
        GraphBuilder g = new GraphBuilder("sym");
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), 4);
        Tensor b = g.input("b", DType.FLOAT, Dim.dim("n"));
        Tensor y = g.add(x, b);
        Tensor loss = g.reduceSum(g.mul(y, y), false);
        Gradients gr = Autodiff.gradients(g, loss, List.of(x, b));
        assertThat(gr.of(x).shape()).isEqualTo(x.shape());
        assertThat(gr.of(b).shape()).isEqualTo(b.shape());
    }

    @Test
    void losses() {
        ok("mse", s(d(3, 4), d(3, 4)), (g, x) -> Losses.mse(g, x.get(0), x.get(1)));
        ok("l1", s(d(3, 4), d(3, 4)), (g, x) -> Losses.l1(g, x.get(0), x.get(1)));
        ok(
                "cross-entropy-ignore",
                s(d(2, 3, 5)),
                (g, x) ->
                        Losses.crossEntropy(
                                g,
                                x.get(0),
                                g.constant(
                                        HostTensor.ofLongs(
                                                new long[] {1, -100, 4, 0, -100, 2}, 2, 3)),
                                -100));
    }

    @Test
    void vectorQuantisationLossesAndStraightThrough() {
        // loss = sum(st^2) + codebook + 0.25 commitment with st = z + stop(q - z) (value q):
        // dz = 2q + 0.25 * 2 (z - q) / N (straight-through + commitment), dq = 2 (q - z) / N
        GraphBuilder g = new GraphBuilder("vq");
        Tensor z = g.input("z", DType.DOUBLE, 2, 2);
        Tensor q = g.input("q", DType.DOUBLE, 2, 2);
        Tensor st = Losses.straightThrough(g, z, q);
        Tensor loss =
                g.add(
                        g.reduceSum(g.mul(st, st), false),
                        g.add(
                                Losses.vqCodebook(g, z, q),
                                g.mul(Losses.vqCommitment(g, z, q), 0.25)));
        Gradients gr = Autodiff.gradients(g, loss, List.of(z, q));
        g.output("st", st);
        g.output("dz", gr.of(z));
        g.output("dq", gr.of(q));
        double[] zv = {0.5, -1, 2, 0};
        double[] qv = {1, -1.5, 1, 0.25};
        try (var s =
                org.lcrec.onnx.runtime.InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g.build()),
                        org.lcrec.onnx.runtime.SessionConfig.cpu())) {
            var out =
                    s.run(
                            java.util.Map.of(
                                    "z",
                                    HostTensor.ofDoubles(zv, 2, 2),
                                    "q",
                                    HostTensor.ofDoubles(qv, 2, 2)));
            double[] dz = out.get("dz").toDoubleArray();
            double[] dq = out.get("dq").toDoubleArray();
            assertThat(out.get("st").toDoubleArray()).containsExactly(qv);
            for (int i = 0; i < 4; i++) {
                assertThat(dz[i])
                        .isCloseTo(
                                2 * qv[i] + 0.5 * (zv[i] - qv[i]) / 4,
                                org.assertj.core.data.Offset.offset(1e-12));
                assertThat(dq[i])
                        .isCloseTo(
                                2 * (qv[i] - zv[i]) / 4,
                                org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void crossEntropyMatchesAHandComputedValue() {
        GraphBuilder g = new GraphBuilder("ce");
        Tensor logits = g.input("l", DType.DOUBLE, 2, 3);
        Tensor loss =
                Losses.crossEntropy(
                        g, logits, g.constant(HostTensor.ofLongs(new long[] {2, -100}, 2)), -100);
        g.output("loss", loss);
        try (var s =
                org.lcrec.onnx.runtime.InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g.build()),
                        org.lcrec.onnx.runtime.SessionConfig.cpu())) {
            double[] l = {1, 2, 3, 9, 9, 9};
            double v =
                    s.run(java.util.Map.of("l", HostTensor.ofDoubles(l, 2, 3)))
                            .get("loss")
                            .toDoubleArray()[0];
            double expected = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            assertThat(v).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void symbolicBroadcastGradientsRunCorrectly() {
        // b's gradient needs run-time shapes: [n] broadcast against [batch, 4] where n is 4 or 1
        GraphBuilder g = new GraphBuilder("sym-run");
        Tensor x = g.input("x", DType.DOUBLE, Dim.dim("batch"), 4);
        Tensor b = g.input("b", DType.DOUBLE, Dim.dim("n"));
        Tensor y = g.add(x, b);
        Tensor loss = g.reduceSum(g.mul(y, y), false);
        Gradients gr = Autodiff.gradients(g, loss, List.of(x, b));
        g.output("gb", gr.of(b));
        try (var s =
                org.lcrec.onnx.runtime.InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g.build()),
                        org.lcrec.onnx.runtime.SessionConfig.cpu())) {
            double[] xv = {1, 2, 3, 4, 5, 6, 7, 8};
            double[] g1 =
                    s.run(
                                    java.util.Map.of(
                                            "x",
                                            HostTensor.ofDoubles(xv, 2, 4),
                                            "b",
                                            HostTensor.ofDoubles(new double[] {1}, 1)))
                            .get("gb")
                            .toDoubleArray();
            // d/db sum((x+b)^2) = 2 sum(x + b) = 2 (36 + 8)
            assertThat(g1).containsExactly(88.0);
            double[] g4 =
                    s.run(
                                    java.util.Map.of(
                                            "x",
                                            HostTensor.ofDoubles(xv, 2, 4),
                                            "b",
                                            HostTensor.ofDoubles(new double[] {0, 0, 0, 0}, 4)))
                            .get("gb")
                            .toDoubleArray();
            assertThat(g4).containsExactly(12.0, 16.0, 20.0, 24.0);
        }
    }
}
