package org.lcrec.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Gradient rules, one per op type, written with {@link GraphBuilder} ops. */
final class GradRules {
    private GradRules() {}

    static Tensor[] apply(GraphBuilder g, Node n, Tensor[] dys, boolean[] need) {
        Tensor dy = dys[0];
        Tensor[] dx = new Tensor[n.inputs().size()];
        Tensor a = n.input(0);
        Tensor b = n.input(1);
        Tensor y = n.output();
        switch (n.opType()) {
            case "Identity", "Reshape", "Squeeze", "Unsqueeze", "Flatten" ->
                    dx[0] = g.reshapeLike(dy, a);
            case "Add" -> {
                dx[0] = need[0] ? Autodiff.sumToShape(g, dy, a) : null;
                dx[1] = need[1] ? Autodiff.sumToShape(g, dy, b) : null;
            }
            case "Sub" -> {
                dx[0] = need[0] ? Autodiff.sumToShape(g, dy, a) : null;
                dx[1] = need[1] ? Autodiff.sumToShape(g, g.neg(dy), b) : null;
            }
            case "Mul" -> {
                dx[0] = need[0] ? Autodiff.sumToShape(g, g.mul(dy, b), a) : null;
                dx[1] = need[1] ? Autodiff.sumToShape(g, g.mul(dy, a), b) : null;
            }
            case "Div" -> {
                if (need[0]) {
                    dx[0] = Autodiff.sumToShape(g, g.div(dy, b), a);
                }
                if (need[1]) {
                    dx[1] = Autodiff.sumToShape(g, g.neg(g.div(g.mul(dy, y), b)), b);
                }
            }
            case "Pow" -> {
                if (need[0]) {
                    Tensor d;
                    if (b.constValue != null && b.constValue.numElements() == 1) {
                        double c = b.constValue.toDoubleArray()[0];
                        d = c == 2.0 ? g.mul(a, 2.0) : g.mul(g.pow(a, c - 1), c);
                    } else {
                        d = g.mul(b, g.pow(a, g.sub(b, g.scalarLike(1, b))));
                    }
                    dx[0] = Autodiff.sumToShape(g, g.mul(dy, d), a);
                }
                if (need[1]) {
                    dx[1] = Autodiff.sumToShape(g, g.mul(dy, g.mul(y, g.log(a))), b);
                }
            }
            case "Sum" -> {
                for (int i = 0; i < dx.length; i++) {
                    dx[i] = need[i] ? Autodiff.sumToShape(g, dy, n.input(i)) : null;
                }
            }
            case "Max", "Min" -> {
                Tensor sel =
                        n.opType().equals("Max") ? g.greaterOrEqual(a, b) : g.lessOrEqual(a, b);
                Tensor zero = g.scalarLike(0, dy);
                dx[0] = need[0] ? Autodiff.sumToShape(g, g.where(sel, dy, zero), a) : null;
                dx[1] = need[1] ? Autodiff.sumToShape(g, g.where(sel, zero, dy), b) : null;
            }
            case "Neg" -> dx[0] = g.neg(dy);
            case "Sqrt" -> dx[0] = g.div(g.mul(dy, 0.5), y);
            case "Exp" -> dx[0] = g.mul(dy, y);
            case "Log" -> dx[0] = g.div(dy, a);
            case "Abs" -> dx[0] = g.mul(dy, g.sign(a));
            case "Reciprocal" -> dx[0] = g.neg(g.mul(dy, g.mul(y, y)));
            case "Relu" ->
                    dx[0] = g.where(g.greater(a, g.scalarLike(0, a)), dy, g.scalarLike(0, dy));
            case "Sigmoid" -> dx[0] = g.mul(dy, g.mul(y, g.sub(g.scalarLike(1, y), y)));
            case "Tanh" -> dx[0] = g.mul(dy, g.sub(g.scalarLike(1, y), g.mul(y, y)));
            case "Erf" ->
                    dx[0] = g.mul(dy, g.mul(g.exp(g.neg(g.mul(a, a))), 2.0 / Math.sqrt(Math.PI)));
            case "Cos" -> dx[0] = g.neg(g.mul(dy, g.sin(a)));
            case "Sin" -> dx[0] = g.mul(dy, g.cos(a));
            case "Sign", "Floor", "Ceil", "Round" -> dx[0] = null;
            case "MatMul" -> matMul(g, a, b, dy, need, dx);
            case "Gemm" -> gemm(g, n, dy, need, dx);
            case "Softmax" -> {
                long axis = n.attrLong("axis", -1);
                Tensor s = g.reduceSum(g.mul(dy, y), true, axis);
                dx[0] = g.mul(y, g.sub(dy, s));
            }
            case "LogSoftmax" -> {
                long axis = n.attrLong("axis", -1);
                dx[0] = g.sub(dy, g.mul(g.exp(y), g.reduceSum(dy, true, axis)));
            }
            case "ReduceSum" -> {
                long[] axes = axesOf(n, a);
                Tensor dk = n.attrLong("keepdims", 1) == 1 ? dy : g.unsqueeze(dy, axes);
                dx[0] = g.expandAs(dk, a);
            }
            case "ReduceMean" -> {
                long[] axes = axesOf(n, a);
                Tensor dk = n.attrLong("keepdims", 1) == 1 ? dy : g.unsqueeze(dy, axes);
                Tensor count = reducedCount(g, a, axes);
                dx[0] = g.expandAs(g.div(dk, count), a);
            }
            case "ReduceMax" -> {
                long[] axes = axesOf(n, a);
                boolean keep = n.attrLong("keepdims", 1) == 1;
                Tensor yk = keep ? y : g.unsqueeze(y, axes);
                Tensor dk = keep ? dy : g.unsqueeze(dy, axes);
                Tensor mask = g.cast(g.equal(a, yk), a.dtype());
                Tensor ties = g.reduceSum(mask, true, axes);
                dx[0] = g.mul(mask, g.div(dk, ties));
            }
            case "Transpose" -> {
                long[] perm = (long[]) n.attributes().get("perm");
                int[] inv = new int[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    inv[(int) perm[i]] = i;
                }
                dx[0] = g.transpose(dy, inv);
            }
            case "Expand" -> dx[0] = Autodiff.sumToShape(g, dy, a);
            case "Concat" -> concat(g, n, dy, need, dx);
            case "Slice" -> dx[0] = slice(g, n, dy);
            case "Pad" -> dx[0] = pad(g, n, dy);
            case "Gather" -> dx[0] = gather(g, n, dy);
            case "GatherElements" ->
                    dx[0] =
                            g.scatterElements(
                                    g.zerosLike(a), b, dy, (int) n.attrLong("axis", 0), "add");
            case "GatherND" -> dx[0] = g.scatterND(g.zerosLike(a), b, dy, "add");
            case "ScatterElements" -> {
                String red = (String) n.attributes().getOrDefault("reduction", "none");
                int axis = (int) n.attrLong("axis", 0);
                Tensor upd = n.input(2);
                if (!red.equals("none") && !red.equals("add")) {
                    throw new UnsupportedOperationException(
                            "Autodiff: ScatterElements reduction "
                                    + red
                                    + " (node "
                                    + n.name()
                                    + ")");
                }
                if (need[0]) {
                    dx[0] =
                            red.equals("add")
                                    ? dy
                                    : g.scatterElements(dy, b, g.zerosLike(upd), axis, "none");
                }
                if (need[2]) {
                    dx[2] = g.gatherElements(dy, b, axis);
                }
            }
            case "ScatterND" -> {
                String red = (String) n.attributes().getOrDefault("reduction", "none");
                Tensor upd = n.input(2);
                if (!red.equals("none") && !red.equals("add")) {
                    throw new UnsupportedOperationException(
                            "Autodiff: ScatterND reduction " + red + " (node " + n.name() + ")");
                }
                if (need[0]) {
                    dx[0] = red.equals("add") ? dy : g.scatterND(dy, b, g.zerosLike(upd), "none");
                }
                if (need[2]) {
                    dx[2] = g.gatherND(dy, b);
                }
            }
            case "Where" -> {
                Tensor c = n.input(0);
                Tensor x1 = n.input(1);
                Tensor x2 = n.input(2);
                Tensor zero = g.scalarLike(0, dy);
                dx[1] = need[1] ? Autodiff.sumToShape(g, g.where(c, dy, zero), x1) : null;
                dx[2] = need[2] ? Autodiff.sumToShape(g, g.where(c, zero, dy), x2) : null;
            }
            case "Cast" -> dx[0] = g.cast(dy, a.dtype());
            case "Trilu" ->
                    dx[0] =
                            g.trilu(
                                    dy,
                                    n.attrLong("upper", 1) == 1,
                                    n.input(1) == null
                                            ? 0
                                            : n.input(1).constValue.toLongArray()[0]);
            default ->
                    throw new UnsupportedOperationException(
                            "Autodiff: no gradient rule for op "
                                    + n.opType()
                                    + " (node "
                                    + n.name()
                                    + "); wrap its inputs in stopGradient if no gradient is needed");
        }
        return dx;
    }

    private static long[] axesOf(Node n, Tensor a) {
        long[] axes;
        if (n.opType().equals("ReduceSum")) {
            Tensor ax = n.input(1);
            if (ax == null) {
                axes = new long[a.rank()];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i;
                }
            } else if (ax.constValue == null) {
                throw new UnsupportedOperationException(
                        "Autodiff: ReduceSum with non-constant axes (node " + n.name() + ")");
            } else {
                axes = ax.constValue.toLongArray();
            }
        } else {
            axes = (long[]) n.attributes().get("axes");
        }
        long[] r = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axes[i] < 0 ? axes[i] + a.rank() : axes[i];
        }
        return r;
    }

    private static Tensor reducedCount(GraphBuilder g, Tensor a, long[] axes) {
        long c = 1;
        boolean stat = true;
        for (long ax : axes) {
            Dim d = a.dim((int) ax);
            if (d.isStatic()) {
                c *= d.value();
            } else {
                stat = false;
            }
        }
        if (stat) {
            return g.scalarLike(c, a);
        }
        List<Tensor> dims = new ArrayList<>();
        for (long ax : axes) {
            dims.add(g.dimOf(a, (int) ax));
        }
        Tensor prod = g.cast(dims.get(0), a.dtype());
        for (int i = 1; i < dims.size(); i++) {
            prod = g.mul(prod, g.cast(dims.get(i), a.dtype()));
        }
        return g.reshape(prod, new long[0]);
    }

    private static void matMul(
            GraphBuilder g, Tensor a, Tensor b, Tensor dy, boolean[] need, Tensor[] dx) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new UnsupportedOperationException(
                    "Autodiff: MatMul gradient needs operands of rank >= 2, found "
                            + a.shape()
                            + " and "
                            + b.shape());
        }
        if (need[0]) {
            dx[0] = Autodiff.sumToShape(g, g.matMul(dy, g.transposeLast2(b)), a);
        }
        if (need[1]) {
            if (b.rank() == 2 && a.rank() > 2) {
                // dW = A2^T dY2 with the batch axes flattened: one GEMM, no batched temporaries
                Tensor a2 = g.reshape(a, g.shapeTensor(-1, g.dimOf(a, -1)));
                Tensor d2 = g.reshape(dy, g.shapeTensor(-1, g.dimOf(dy, -1)));
                dx[1] = g.matMul(g.transposeLast2(a2), d2);
            } else {
                dx[1] = Autodiff.sumToShape(g, g.matMul(g.transposeLast2(a), dy), b);
            }
        }
    }

    private static void gemm(GraphBuilder g, Node n, Tensor dy, boolean[] need, Tensor[] dx) {
        Tensor a = n.input(0);
        Tensor b = n.input(1);
        float alpha = n.attrFloat("alpha", 1f);
        float beta = n.attrFloat("beta", 1f);
        boolean ta = n.attrLong("transA", 0) == 1;
        boolean tb = n.attrLong("transB", 0) == 1;
        if (need[0]) {
            dx[0] =
                    !ta
                            ? g.gemm(dy, b, null, alpha, 0f, false, !tb)
                            : g.gemm(b, dy, null, alpha, 0f, tb, true);
        }
        if (need[1]) {
            dx[1] =
                    !tb
                            ? g.gemm(a, dy, null, alpha, 0f, !ta, false)
                            : g.gemm(dy, a, null, alpha, 0f, true, ta);
        }
        if (n.inputs().size() > 2 && need[2]) {
            Tensor d = beta == 1f ? dy : g.mul(dy, beta);
            dx[2] = Autodiff.sumToShape(g, d, n.input(2));
        }
    }

    private static void concat(GraphBuilder g, Node n, Tensor dy, boolean[] need, Tensor[] dx) {
        int axis = (int) n.attrLong("axis", 0);
        long off = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            Tensor in = n.input(i);
            Dim d = in.dim(axis);
            if (!d.isStatic()) {
                throw new UnsupportedOperationException(
                        "Autodiff: Concat gradient needs static sizes along the concat axis; "
                                + in
                                + " (node "
                                + n.name()
                                + ")");
            }
            if (need[i]) {
                dx[i] = g.slice(dy, axis, off, off + d.value());
            }
            off += d.value();
        }
    }

    private static Tensor slice(GraphBuilder g, Node n, Tensor dy) {
        Tensor x = n.input(0);
        long[] starts = n.input(1).constValue.toLongArray();
        long[] ends = n.input(2).constValue.toLongArray();
        long[] axes = n.input(3).constValue.toLongArray();
        long[] steps = n.input(4) == null ? null : n.input(4).constValue.toLongArray();
        long[] pads = new long[2 * x.rank()];
        for (int i = 0; i < axes.length; i++) {
            if (steps != null && steps[i] != 1) {
                throw new UnsupportedOperationException(
                        "Autodiff: Slice gradient needs step 1 (node " + n.name() + ")");
            }
            int ax = (int) axes[i];
            Dim d = x.dim(ax);
            if (!d.isStatic()) {
                if (starts[i] == 0 && ends[i] >= Long.MAX_VALUE / 2) {
                    continue;
                }
                throw new UnsupportedOperationException(
                        "Autodiff: Slice gradient needs a static size on sliced axis "
                                + ax
                                + " of "
                                + x
                                + " (node "
                                + n.name()
                                + ")");
            }
            long s = GraphBuilder.clampIndex(starts[i], d.value(), false);
            long e = Math.max(s, GraphBuilder.clampIndex(ends[i], d.value(), false));
            pads[ax] = s;
            pads[ax + x.rank()] = d.value() - e;
        }
        return g.pad(dy, pads, 0);
    }

    private static Tensor pad(GraphBuilder g, Node n, Tensor dy) {
        Tensor x = n.input(0);
        long[] pads = n.input(1).constValue.toLongArray();
        int r = x.rank();
        long[] starts = new long[r];
        long[] ends = new long[r];
        long[] axes = new long[r];
        for (int i = 0; i < r; i++) {
            if (pads[i] < 0 || pads[i + r] < 0) {
                throw new UnsupportedOperationException(
                        "Autodiff: Pad gradient with negative pads (node " + n.name() + ")");
            }
            axes[i] = i;
            starts[i] = pads[i];
            ends[i] = pads[i + r] == 0 ? Long.MAX_VALUE : -pads[i + r];
        }
        Tensor r0 = g.slice(dy, starts, ends, axes, null);
        return r0.shape().equals(x.shape()) ? r0 : g.reshapeLike(r0, x);
    }

    /**
     * Gather on axis a: move axis a of the data to the front, scatter-add the (correspondingly
     * transposed) output gradient into zeros with ScatterND, and transpose back.
     */
    private static Tensor gather(GraphBuilder g, Node n, Tensor dy) {
        Tensor data = n.input(0);
        Tensor idx =
                n.input(1).dtype() == DType.INT64 ? n.input(1) : g.cast(n.input(1), DType.INT64);
        int a = (int) n.attrLong("axis", 0);
        if (a == 0) {
            return g.scatterND(g.zerosLike(data), g.unsqueeze(idx, -1), dy, "add");
        }
        int r = data.rank();
        int k = idx.rank();
        int[] p = new int[r];
        p[0] = a;
        for (int i = 0, j = 1; i < r; i++) {
            if (i != a) {
                p[j++] = i;
            }
        }
        Tensor dataT = g.transpose(data, p);
        int ro = dy.rank();
        int[] q = new int[ro];
        int j = 0;
        for (int i = a; i < a + k; i++) {
            q[j++] = i;
        }
        for (int i = 0; i < a; i++) {
            q[j++] = i;
        }
        for (int i = a + k; i < ro; i++) {
            q[j++] = i;
        }
        Tensor dyT = g.transpose(dy, q);
        Tensor dT = g.scatterND(g.zerosLike(dataT), g.unsqueeze(idx, -1), dyT, "add");
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) {
            inv[p[i]] = i;
        }
        return g.transpose(dT, inv);
    }

    static String describe(long[] a) {
        return Arrays.toString(a);
    }
}
