package org.lcrec.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a differentiable ONNX graph (opset {@value #OPSET}). Every op method infers the output
 * dtype and shape at once, so a mismatch fails where the graph is built with a message naming the
 * op and both shapes.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("mlp");
 * Tensor x = g.input("x", DType.FLOAT, dim("batch"), 768);
 * Tensor w = g.parameter("enc.0.weight", Init.xavierNormal(), 768, 2048);
 * Tensor h = g.relu(g.matMul(x, w));
 * }</pre>
 *
 * <p>Names: {@link #scope(String)} prefixes parameter names ({@code layers.3.mlp.up_proj.weight})
 * and node names. Not thread-safe.
 */
public final class GraphBuilder {
    /** The default-domain opset version written to models. */
    public static final int OPSET = 17;

    private final String name;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Tensor> inputs = new LinkedHashMap<>();
    final Map<String, ParameterSpec> params = new LinkedHashMap<>();
    final Map<String, Tensor> paramTensors = new LinkedHashMap<>();
    final Map<String, Tensor> constants = new LinkedHashMap<>();
    final Map<String, Tensor> outputs = new LinkedHashMap<>();
    final Map<String, Float> dropoutRates = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Deque<String> scopes = new ArrayDeque<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private boolean training = true;

    public GraphBuilder(String name) {
        this.name = name;
    }

    /** The graph name. */
    public String name() {
        return name;
    }

    /**
     * Whether {@link #dropout} creates masks (training) or is the identity (inference export).
     * Default true.
     */
    public GraphBuilder training(boolean training) {
        this.training = training;
        return this;
    }

    /** Whether dropout masks are created (see {@link #training(boolean)}). */
    public boolean isTraining() {
        return training;
    }

    // ------------------------------------------------------------------ names and scopes

    /** A name scope, closed with try-with-resources. */
    public final class Scope implements AutoCloseable {
        private final int depth;

        private Scope(int depth) {
            this.depth = depth;
        }

        @Override
        public void close() {
            if (scopes.size() != depth) {
                throw new IllegalStateException("scopes closed out of order");
            }
            scopes.pop();
        }
    }

    /**
     * Pushes a name scope; pair with {@link #popScope()} (an alternative to try-with-resources that
     * keeps {@code -Xlint:try} quiet when the scope object is unused).
     */
    public GraphBuilder pushScope(String prefix) {
        scopes.push(prefix);
        return this;
    }

    /** Pops the innermost name scope. */
    public GraphBuilder popScope() {
        if (scopes.isEmpty()) {
            throw new IllegalStateException("popScope without pushScope");
        }
        scopes.pop();
        return this;
    }

    /** Opens a scope: names created inside are prefixed {@code prefix.}. */
    public Scope scope(String prefix) {
        scopes.push(prefix);
        return new Scope(scopes.size());
    }

    /** The scoped form of {@code name}. */
    public String scoped(String n) {
        if (scopes.isEmpty()) {
            return n;
        }
        List<String> parts = new ArrayList<>(scopes);
        Collections.reverse(parts);
        return String.join(".", parts) + "." + n;
    }

    private String claim(String n) {
        if (!usedNames.add(n)) {
            throw new IllegalArgumentException(
                    "graph '" + name + "': name '" + n + "' is already used");
        }
        return n;
    }

    private String fresh(String base) {
        String b = scoped(base);
        while (true) {
            int c = counters.merge(b, 1, Integer::sum);
            String n = b + "_" + c;
            if (usedNames.add(n)) {
                return n;
            }
        }
    }

    // ------------------------------------------------------------------ leaves

    /**
     * A graph input; dims are ints, longs, symbol strings or {@link Dim}s. Input names are not
     * scoped.
     */
    public Tensor input(String inputName, DType dtype, Object... dims) {
        Tensor t = new Tensor(this, claim(inputName), dtype, Shape.of(dims), Tensor.Kind.INPUT);
        inputs.put(inputName, t);
        return t;
    }

    /** A trainable float parameter (scoped name). Decay applies to rank &gt;= 2 parameters. */
    public Tensor parameter(String paramName, Init init, long... shape) {
        return parameter(paramName, init, true, shape.length >= 2, shape);
    }

    /** A frozen float parameter: no gradient, exported as an initialiser. */
    public Tensor frozenParameter(String paramName, Init init, long... shape) {
        return parameter(paramName, init, false, false, shape);
    }

    /** A parameter with explicit trainable and weight-decay flags. */
    public Tensor parameter(
            String paramName, Init init, boolean trainable, boolean decay, long... shape) {
        String full = claim(scoped(paramName));
        ParameterSpec spec = new ParameterSpec(full, shape, init, trainable, decay);
        Tensor t = new Tensor(this, full, DType.FLOAT, Shape.of(shape), Tensor.Kind.PARAMETER);
        params.put(full, spec);
        paramTensors.put(full, t);
        return t;
    }

    /** A constant (an initialiser). */
    public Tensor constant(HostTensor value) {
        String n = fresh("const");
        Tensor t =
                new Tensor(this, n, value.dtype(), Shape.of(value.shape()), Tensor.Kind.CONSTANT);
        t.constValue = value;
        if (value.dtype() == DType.INT64 && value.shape().length == 1) {
            long[] v = value.toLongArray();
            Dim[] d = new Dim[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i] >= 0 ? Dim.of(v[i]) : null;
            }
            t.valueDims = d;
        }
        constants.put(n, t);
        return t;
    }

    /** A float constant of the given shape (an initialiser). */
    public Tensor constant(float[] values, long... shape) {
        return constant(HostTensor.ofFloats(values, shape));
    }

    /** A 1-D int64 constant. */
    public Tensor constantLongs(long... values) {
        return constant(HostTensor.ofLongs(values, values.length));
    }

    /** A scalar of the given dtype. */
    public Tensor scalar(double value, DType dtype) {
        return constant(HostTensor.filled(dtype, value));
    }

    /** A scalar with the dtype of {@code like}. */
    public Tensor scalarLike(double value, Tensor like) {
        return scalar(value, like.dtype());
    }

    /** Marks a tensor as a graph output under {@code outputName} (not scoped). */
    public Tensor output(String outputName, Tensor t) {
        if (outputs.containsKey(outputName)) {
            throw new IllegalArgumentException(
                    "graph '" + name + "': output '" + outputName + "' already defined");
        }
        Tensor o =
                emitNamed(
                        "Identity",
                        claim(outputName),
                        List.of(t),
                        Map.of(),
                        t.dtype(),
                        t.shape(),
                        false);
        outputs.put(outputName, o);
        return o;
    }

    // ------------------------------------------------------------------ emission

    private Tensor emit(
            String op, List<Tensor> ins, Map<String, Object> attrs, DType dtype, Shape shape) {
        return emitNamed(op, fresh(op), ins, attrs, dtype, shape, false);
    }

    private Tensor emitNamed(
            String op,
            String valueName,
            List<Tensor> ins,
            Map<String, Object> attrs,
            DType dtype,
            Shape shape,
            boolean stop) {
        for (Tensor t : ins) {
            if (t != null && t.owner != this) {
                throw new IllegalArgumentException(
                        op + ": tensor " + t.name() + " belongs to another graph");
            }
        }
        Tensor out = new Tensor(this, valueName, dtype, shape, Tensor.Kind.NODE);
        Node n = new Node(op, "", valueName, new ArrayList<>(ins), List.of(out), attrs, stop);
        out.producer = n;
        nodes.add(n);
        return out;
    }

    /**
     * Emits an arbitrary op with one output whose dtype and shape the caller states (an escape
     * hatch for ops without a method here; autodiff treats it as non-differentiable).
     */
    public Tensor op(
            String opType, DType dtype, Shape shape, Map<String, Object> attrs, Tensor... ins) {
        return emit(opType, Arrays.asList(ins), attrs, dtype, shape);
    }

    private static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Integer x) {
                v = (long) x;
            } else if (v instanceof Double d) {
                v = (float) (double) d;
            } else if (v instanceof int[] a) {
                long[] l = new long[a.length];
                for (int j = 0; j < a.length; j++) {
                    l[j] = a[j];
                }
                v = l;
            }
            m.put((String) kv[i], v);
        }
        return m;
    }

    // ------------------------------------------------------------------ checks

    private static IllegalArgumentException shapeError(String op, String what, Tensor a, Tensor b) {
        return new IllegalArgumentException(
                op
                        + ": "
                        + what
                        + ": "
                        + a.name()
                        + " has shape "
                        + a.shape()
                        + (b == null ? "" : ", " + b.name() + " has shape " + b.shape()));
    }

    private static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(
                    op
                            + ": dtypes differ: "
                            + a.name()
                            + " is "
                            + a.dtype()
                            + ", "
                            + b.name()
                            + " is "
                            + b.dtype());
        }
    }

    private static void floating(String op, Tensor a) {
        if (!a.dtype().isFloating()) {
            throw new IllegalArgumentException(
                    op + ": expected a floating tensor, " + a.name() + " is " + a.dtype());
        }
    }

    private static int axis(String op, Tensor t, long axis) {
        int r = t.rank();
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException(
                    op
                            + ": axis "
                            + axis
                            + " out of range for "
                            + t.name()
                            + " of shape "
                            + t.shape());
        }
        return (int) a;
    }

    private static boolean sameDim(Dim a, Dim b) {
        return a.equals(b);
    }

    /** Numpy-style broadcast of two shapes; unknowns are assumed compatible. */
    static Shape broadcast(String op, Tensor ta, Tensor tb) {
        Shape a = ta.shape();
        Shape b = tb.shape();
        int r = Math.max(a.rank(), b.rank());
        Dim[] out = new Dim[r];
        for (int i = 0; i < r; i++) {
            int ia = i - (r - a.rank());
            int ib = i - (r - b.rank());
            Dim da = ia >= 0 ? a.dim(ia) : Dim.of(1);
            Dim db = ib >= 0 ? b.dim(ib) : Dim.of(1);
            out[i] = broadcastDim(da, db);
            if (out[i] == null) {
                throw shapeError(op, "shapes do not broadcast at axis " + i, ta, tb);
            }
        }
        return Shape.of(Arrays.asList(out));
    }

    private static Dim broadcastDim(Dim da, Dim db) {
        if (sameDim(da, db)) {
            return da;
        }
        if (da.isStatic() && da.value() == 1) {
            return db;
        }
        if (db.isStatic() && db.value() == 1) {
            return da;
        }
        if (da.isStatic() && db.isStatic()) {
            return null;
        }
        if (da.isStatic()) {
            return da;
        }
        if (db.isStatic()) {
            return db;
        }
        return Dim.unknown();
    }

    // ------------------------------------------------------------------ elementwise

    private Tensor binary(String op, Tensor a, Tensor b) {
        sameDtype(op, a, b);
        return emit(op, List.of(a, b), Map.of(), a.dtype(), broadcast(op, a, b));
    }

    private Tensor unary(String op, Tensor a) {
        floating(op, a);
        return emit(op, List.of(a), Map.of(), a.dtype(), a.shape());
    }

    /**
     * ONNX {@code Add} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor add(Tensor a, Tensor b) {
        return binary("Add", a, b);
    }

    /**
     * ONNX {@code Sub} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor sub(Tensor a, Tensor b) {
        return binary("Sub", a, b);
    }

    /**
     * ONNX {@code Mul} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor mul(Tensor a, Tensor b) {
        return binary("Mul", a, b);
    }

    /**
     * ONNX {@code Div} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor div(Tensor a, Tensor b) {
        return binary("Div", a, b);
    }

    /**
     * ONNX {@code Pow} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor pow(Tensor a, Tensor b) {
        return binary("Pow", a, b);
    }

    /** {@code a + c} for a scalar constant. */
    public Tensor add(Tensor a, double c) {
        return add(a, scalarLike(c, a));
    }

    /** {@code a * c} for a scalar constant. */
    public Tensor mul(Tensor a, double c) {
        return mul(a, scalarLike(c, a));
    }

    /** {@code a ^ c} for a scalar constant. */
    public Tensor pow(Tensor a, double c) {
        return pow(a, scalarLike(c, a));
    }

    /** Elementwise maximum of two tensors. */
    public Tensor max(Tensor a, Tensor b) {
        return binary("Max", a, b);
    }

    /** Elementwise minimum of two tensors. */
    public Tensor min(Tensor a, Tensor b) {
        return binary("Min", a, b);
    }

    /** Sum of several tensors (broadcasting). */
    public Tensor sum(List<Tensor> ts) {
        if (ts.size() == 1) {
            return ts.get(0);
        }
        Tensor acc = ts.get(0);
        Shape s = acc.shape();
        for (Tensor t : ts.subList(1, ts.size())) {
            sameDtype("Sum", acc, t);
            s = broadcast("Sum", new Tensor(this, "lhs", t.dtype(), s, Tensor.Kind.NODE), t);
        }
        return emit("Sum", new ArrayList<>(ts), Map.of(), acc.dtype(), s);
    }

    /**
     * ONNX {@code Neg} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor neg(Tensor a) {
        return unary("Neg", a);
    }

    /**
     * ONNX {@code Sqrt} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor sqrt(Tensor a) {
        return unary("Sqrt", a);
    }

    /**
     * ONNX {@code Exp} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor exp(Tensor a) {
        return unary("Exp", a);
    }

    /**
     * ONNX {@code Log} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor log(Tensor a) {
        return unary("Log", a);
    }

    /**
     * ONNX {@code Abs} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor abs(Tensor a) {
        return unary("Abs", a);
    }

    /**
     * ONNX {@code Reciprocal} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor reciprocal(Tensor a) {
        return unary("Reciprocal", a);
    }

    /**
     * ONNX {@code Sign} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor sign(Tensor a) {
        return unary("Sign", a);
    }

    /**
     * ONNX {@code Relu} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor relu(Tensor a) {
        return unary("Relu", a);
    }

    /**
     * ONNX {@code Sigmoid} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor sigmoid(Tensor a) {
        return unary("Sigmoid", a);
    }

    /**
     * ONNX {@code Tanh} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor tanh(Tensor a) {
        return unary("Tanh", a);
    }

    /**
     * ONNX {@code Erf} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor erf(Tensor a) {
        return unary("Erf", a);
    }

    /**
     * ONNX {@code Cos} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor cos(Tensor a) {
        return unary("Cos", a);
    }

    /**
     * ONNX {@code Sin} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor sin(Tensor a) {
        return unary("Sin", a);
    }

    /** SiLU (swish): {@code x * sigmoid(x)}. */
    public Tensor silu(Tensor x) {
        return mul(x, sigmoid(x));
    }

    /** Exact GELU: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    public Tensor gelu(Tensor x) {
        Tensor e = erf(mul(x, 1.0 / Math.sqrt(2.0)));
        return mul(mul(x, 0.5), add(e, 1.0));
    }

    /** GELU, tanh approximation (as GPT-2). */
    public Tensor geluTanh(Tensor x) {
        Tensor inner = mul(add(x, mul(pow(x, 3.0), 0.044715)), Math.sqrt(2.0 / Math.PI));
        return mul(mul(x, 0.5), add(tanh(inner), 1.0));
    }

    // ------------------------------------------------------------------ comparisons and logic

    private Tensor compare(String op, Tensor a, Tensor b) {
        sameDtype(op, a, b);
        return emit(op, List.of(a, b), Map.of(), DType.BOOL, broadcast(op, a, b));
    }

    /**
     * ONNX {@code Equal} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor equal(Tensor a, Tensor b) {
        return compare("Equal", a, b);
    }

    /**
     * ONNX {@code Less} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor less(Tensor a, Tensor b) {
        return compare("Less", a, b);
    }

    /**
     * ONNX {@code Greater} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor greater(Tensor a, Tensor b) {
        return compare("Greater", a, b);
    }

    /**
     * ONNX {@code LessOrEqual} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor lessOrEqual(Tensor a, Tensor b) {
        return compare("LessOrEqual", a, b);
    }

    /**
     * ONNX {@code GreaterOrEqual} (numpy broadcasting where the op broadcasts; output dtype and
     * shape inferred).
     */
    public Tensor greaterOrEqual(Tensor a, Tensor b) {
        return compare("GreaterOrEqual", a, b);
    }

    /**
     * ONNX {@code And} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor and(Tensor a, Tensor b) {
        return compare("And", a, b);
    }

    /**
     * ONNX {@code Or} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor or(Tensor a, Tensor b) {
        return compare("Or", a, b);
    }

    /**
     * ONNX {@code Not} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor not(Tensor a) {
        if (a.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(
                    "Not: expected BOOL, " + a.name() + " is " + a.dtype());
        }
        return emit("Not", List.of(a), Map.of(), DType.BOOL, a.shape());
    }

    /** {@code cond ? a : b}, broadcasting all three. */
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(
                    "Where: condition " + cond.name() + " must be BOOL, found " + cond.dtype());
        }
        sameDtype("Where", a, b);
        Shape s = broadcast("Where", a, b);
        Shape s2 = broadcast("Where", cond, new Tensor(this, "ab", a.dtype(), s, Tensor.Kind.NODE));
        return emit("Where", List.of(cond, a, b), Map.of(), a.dtype(), s2);
    }

    /**
     * ONNX {@code Cast} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor cast(Tensor a, DType to) {
        if (a.dtype() == to) {
            return a;
        }
        Tensor t = emit("Cast", List.of(a), attrs("to", (long) to.onnxCode()), to, a.shape());
        if (a.valueDims != null && to == DType.INT64) {
            t.valueDims = a.valueDims;
        }
        return t;
    }

    /**
     * ONNX {@code Identity} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor identity(Tensor a) {
        return emit("Identity", List.of(a), Map.of(), a.dtype(), a.shape());
    }

    /** An Identity through which no gradient flows (PyTorch {@code detach()}). */
    public Tensor stopGradient(Tensor a) {
        return emitNamed(
                "Identity",
                fresh("StopGradient"),
                List.of(a),
                Map.of(),
                a.dtype(),
                a.shape(),
                true);
    }

    // ------------------------------------------------------------------ linear algebra

    /** Numpy-style matrix product (batch dims broadcast). */
    public Tensor matMul(Tensor a, Tensor b) {
        sameDtype("MatMul", a, b);
        if (a.rank() < 1 || b.rank() < 1) {
            throw shapeError("MatMul", "operands must have rank >= 1", a, b);
        }
        Shape sa = a.rank() == 1 ? Shape.of(Dim.of(1), a.dim(0)) : a.shape();
        Shape sb = b.rank() == 1 ? Shape.of(b.dim(0), Dim.of(1)) : b.shape();
        Dim ka = sa.dim(-1);
        Dim kb = sb.dim(-2);
        if (ka.isStatic() && kb.isStatic() && ka.value() != kb.value()) {
            throw shapeError("MatMul", "inner dimensions differ (" + ka + " vs " + kb + ")", a, b);
        }
        Tensor ba =
                new Tensor(this, a.name(), a.dtype(), sa.sub(0, sa.rank() - 2), Tensor.Kind.NODE);
        Tensor bb =
                new Tensor(this, b.name(), b.dtype(), sb.sub(0, sb.rank() - 2), Tensor.Kind.NODE);
        Shape batch;
        try {
            batch = broadcast("MatMul", ba, bb);
        } catch (IllegalArgumentException e) {
            throw shapeError("MatMul", "batch dimensions do not broadcast", a, b);
        }
        List<Dim> out = new ArrayList<>(batch.dims());
        if (a.rank() > 1) {
            out.add(sa.dim(-2));
        }
        if (b.rank() > 1) {
            out.add(sb.dim(-1));
        }
        return emit("MatMul", List.of(a, b), Map.of(), a.dtype(), Shape.of(out));
    }

    /**
     * {@code alpha * A' B' + beta * C} with optional transposes; A and B are 2-D; C may be null.
     */
    public Tensor gemm(
            Tensor a, Tensor b, Tensor c, float alpha, float beta, boolean transA, boolean transB) {
        sameDtype("Gemm", a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw shapeError("Gemm", "A and B must be 2-D", a, b);
        }
        Dim m = transA ? a.dim(1) : a.dim(0);
        Dim ka = transA ? a.dim(0) : a.dim(1);
        Dim kb = transB ? b.dim(1) : b.dim(0);
        Dim n = transB ? b.dim(0) : b.dim(1);
        if (ka.isStatic() && kb.isStatic() && ka.value() != kb.value()) {
            throw shapeError("Gemm", "inner dimensions differ (" + ka + " vs " + kb + ")", a, b);
        }
        Shape out = Shape.of(m, n);
        List<Tensor> ins = new ArrayList<>(List.of(a, b));
        if (c != null) {
            sameDtype("Gemm", a, c);
            Shape bc =
                    broadcast("Gemm", new Tensor(this, "Y", a.dtype(), out, Tensor.Kind.NODE), c);
            if (!bc.equals(out) && out.isStatic()) {
                throw shapeError("Gemm", "C does not broadcast to " + out, c, null);
            }
            ins.add(c);
        }
        return emit(
                "Gemm",
                ins,
                attrs(
                        "alpha",
                        alpha,
                        "beta",
                        beta,
                        "transA",
                        transA ? 1L : 0L,
                        "transB",
                        transB ? 1L : 0L),
                a.dtype(),
                out);
    }

    /** A linear layer {@code x W + b} with W of shape {@code [in, out]} (b may be null). */
    public Tensor linear(Tensor x, Tensor w, Tensor b) {
        Tensor y = matMul(x, w);
        return b == null ? y : add(y, b);
    }

    // ------------------------------------------------------------------ softmax and reductions

    /**
     * ONNX {@code Softmax} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor softmax(Tensor x, int axis) {
        floating("Softmax", x);
        return emit(
                "Softmax",
                List.of(x),
                attrs("axis", (long) axis(("Softmax"), x, axis)),
                x.dtype(),
                x.shape());
    }

    /**
     * ONNX {@code LogSoftmax} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor logSoftmax(Tensor x, int axis) {
        floating("LogSoftmax", x);
        return emit(
                "LogSoftmax",
                List.of(x),
                attrs("axis", (long) axis("LogSoftmax", x, axis)),
                x.dtype(),
                x.shape());
    }

    private long[] normAxes(String op, Tensor x, long[] axes) {
        long[] r = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axis(op, x, axes[i]);
        }
        Arrays.sort(r);
        for (int i = 1; i < r.length; i++) {
            if (r[i] == r[i - 1]) {
                throw new IllegalArgumentException(
                        op + ": repeated axis " + r[i] + " for shape " + x.shape());
            }
        }
        return r;
    }

    private Shape reducedShape(Tensor x, long[] axes, boolean keep) {
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            boolean red = Arrays.binarySearch(axes, i) >= 0;
            if (!red) {
                out.add(x.dim(i));
            } else if (keep) {
                out.add(Dim.of(1));
            }
        }
        return Shape.of(out);
    }

    private static long[] allAxes(int rank) {
        long[] a = new long[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Sum over {@code axes} (all axes when none given). */
    public Tensor reduceSum(Tensor x, boolean keepDims, long... axes) {
        long[] ax = normAxes("ReduceSum", x, axes.length == 0 ? allAxes(x.rank()) : axes);
        return emit(
                "ReduceSum",
                List.of(x, constantLongs(ax)),
                attrs("keepdims", keepDims ? 1L : 0L),
                x.dtype(),
                reducedShape(x, ax, keepDims));
    }

    /** Mean over {@code axes} (all axes when none given). */
    public Tensor reduceMean(Tensor x, boolean keepDims, long... axes) {
        floating("ReduceMean", x);
        long[] ax = normAxes("ReduceMean", x, axes.length == 0 ? allAxes(x.rank()) : axes);
        return emit(
                "ReduceMean",
                List.of(x),
                attrs("axes", ax, "keepdims", keepDims ? 1L : 0L),
                x.dtype(),
                reducedShape(x, ax, keepDims));
    }

    /** Maximum over {@code axes} (all axes when none given). */
    public Tensor reduceMax(Tensor x, boolean keepDims, long... axes) {
        long[] ax = normAxes("ReduceMax", x, axes.length == 0 ? allAxes(x.rank()) : axes);
        return emit(
                "ReduceMax",
                List.of(x),
                attrs("axes", ax, "keepdims", keepDims ? 1L : 0L),
                x.dtype(),
                reducedShape(x, ax, keepDims));
    }

    /**
     * ONNX {@code ArgMax} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor argMax(Tensor x, int axis, boolean keepDims) {
        int a = axis("ArgMax", x, axis);
        return emit(
                "ArgMax",
                List.of(x),
                attrs("axis", (long) a, "keepdims", keepDims ? 1L : 0L),
                DType.INT64,
                reducedShape(x, new long[] {a}, keepDims));
    }

    /**
     * ONNX {@code ArgMin} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor argMin(Tensor x, int axis, boolean keepDims) {
        int a = axis("ArgMin", x, axis);
        return emit(
                "ArgMin",
                List.of(x),
                attrs("axis", (long) a, "keepdims", keepDims ? 1L : 0L),
                DType.INT64,
                reducedShape(x, new long[] {a}, keepDims));
    }

    // ------------------------------------------------------------------ shape ops

    /**
     * ONNX {@code Transpose} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor transpose(Tensor x, int... perm) {
        if (perm.length == 0) {
            perm = new int[x.rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = x.rank() - 1 - i;
            }
        }
        if (perm.length != x.rank()) {
            throw new IllegalArgumentException(
                    "Transpose: perm "
                            + Arrays.toString(perm)
                            + " does not match shape "
                            + x.shape());
        }
        boolean[] seen = new boolean[perm.length];
        List<Dim> out = new ArrayList<>();
        for (int p : perm) {
            if (p < 0 || p >= perm.length || seen[p]) {
                throw new IllegalArgumentException(
                        "Transpose: invalid perm "
                                + Arrays.toString(perm)
                                + " for shape "
                                + x.shape());
            }
            seen[p] = true;
            out.add(x.dim(p));
        }
        return emit("Transpose", List.of(x), attrs("perm", perm), x.dtype(), Shape.of(out));
    }

    /** Swaps the last two axes. */
    public Tensor transposeLast2(Tensor x) {
        int r = x.rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = i;
        }
        p[r - 1] = r - 2;
        p[r - 2] = r - 1;
        return transpose(x, p);
    }

    /** The shape of {@code x} as a 1-D int64 tensor (a constant when static). */
    public Tensor shapeOf(Tensor x) {
        if (x.shape().isStatic()) {
            return constantLongs(x.shape().toArray());
        }
        Tensor t = emit("Shape", List.of(x), Map.of(), DType.INT64, Shape.of((long) x.rank()));
        t.valueDims = x.shape().dims().toArray(new Dim[0]);
        return t;
    }

    /** Dimension {@code axis} of {@code x} as a 1-element int64 tensor (a constant when static). */
    public Tensor dimOf(Tensor x, int axis) {
        int a = axis("Shape", x, axis);
        if (x.dim(a).isStatic()) {
            return constantLongs(x.dim(a).value());
        }
        Tensor t =
                emit(
                        "Shape",
                        List.of(x),
                        attrs("start", (long) a, "end", (long) a + 1),
                        DType.INT64,
                        Shape.of(1L));
        t.valueDims = new Dim[] {x.dim(a)};
        return t;
    }

    /** Number of elements as an int64 scalar. */
    public Tensor size(Tensor x) {
        return emit("Size", List.of(x), Map.of(), DType.INT64, Shape.scalar());
    }

    /**
     * A 1-D int64 shape tensor from pieces: numbers (static, {@code -1} and {@code 0} keep their
     * Reshape meaning) and 1-element int64 tensors such as {@link #dimOf}.
     */
    public Tensor shapeTensor(Object... pieces) {
        List<Tensor> parts = new ArrayList<>();
        List<Long> pending = new ArrayList<>();
        for (Object p : pieces) {
            if (p instanceof Number num) {
                pending.add(num.longValue());
            } else if (p instanceof Tensor t) {
                if (t.dtype() != DType.INT64 || t.rank() != 1) {
                    throw new IllegalArgumentException(
                            "shapeTensor: piece " + t + " must be a 1-D INT64 tensor");
                }
                if (!pending.isEmpty()) {
                    parts.add(constantLongs(pending.stream().mapToLong(Long::longValue).toArray()));
                    pending.clear();
                }
                parts.add(t);
            } else {
                throw new IllegalArgumentException(
                        "shapeTensor: pieces must be numbers or tensors, found " + p);
            }
        }
        if (!pending.isEmpty()) {
            parts.add(constantLongs(pending.stream().mapToLong(Long::longValue).toArray()));
        }
        return parts.size() == 1 ? parts.get(0) : concat(0, parts.toArray(new Tensor[0]));
    }

    /** Reshape to a static target (ONNX semantics: 0 copies the input dim, -1 is inferred). */
    public Tensor reshape(Tensor x, long... shape) {
        return reshape(x, constantLongs(shape));
    }

    /** Reshape to a 1-D int64 shape tensor (see {@link #shapeTensor}). */
    public Tensor reshape(Tensor x, Tensor shape) {
        if (shape.dtype() != DType.INT64 || shape.rank() != 1 || !shape.dim(0).isStatic()) {
            throw new IllegalArgumentException(
                    "Reshape: shape must be a 1-D INT64 tensor of static length, found " + shape);
        }
        int r = (int) shape.dim(0).value();
        Dim[] target = new Dim[r];
        long[] cv = shape.constValue != null ? shape.constValue.toLongArray() : null;
        int inferAt = -1;
        for (int i = 0; i < r; i++) {
            if (cv != null && cv[i] == 0) {
                if (i >= x.rank()) {
                    throw shapeError(
                            "Reshape",
                            "0 at position " + i + " but input rank is " + x.rank(),
                            x,
                            shape);
                }
                target[i] = x.dim(i);
            } else if (cv != null && cv[i] == -1) {
                if (inferAt >= 0) {
                    throw new IllegalArgumentException(
                            "Reshape: more than one -1 in " + Arrays.toString(cv));
                }
                inferAt = i;
            } else if (shape.valueDims != null && shape.valueDims[i] != null) {
                target[i] = shape.valueDims[i];
            } else {
                target[i] = Dim.unknown();
            }
        }
        // element count check / inference: cancel symbols present on both sides
        Map<String, Integer> sym = new HashMap<>();
        long known = 1;
        boolean unknownIn = false;
        for (Dim d : x.shape().dims()) {
            if (d.isStatic()) {
                known *= d.value();
            } else if (d.isUnknown()) {
                unknownIn = true;
            } else {
                sym.merge(d.symbol(), 1, Integer::sum);
            }
        }
        long knownOut = 1;
        boolean unknownOut = false;
        for (int i = 0; i < r; i++) {
            if (i == inferAt) {
                continue;
            }
            Dim d = target[i];
            if (d.isStatic()) {
                knownOut *= d.value();
            } else if (d.isUnknown()) {
                unknownOut = true;
            } else if (sym.getOrDefault(d.symbol(), 0) > 0) {
                sym.merge(d.symbol(), -1, Integer::sum);
            } else {
                unknownOut = true;
            }
        }
        boolean symLeft = sym.values().stream().anyMatch(v -> v > 0);
        if (inferAt >= 0) {
            if (!unknownIn && !unknownOut && !symLeft) {
                if (knownOut == 0 || known % knownOut != 0) {
                    throw shapeError(
                            "Reshape", "cannot reshape to " + Arrays.toString(cv), x, null);
                }
                target[inferAt] = Dim.of(known / knownOut);
            } else if (!unknownIn
                    && !unknownOut
                    && known == knownOut
                    && sym.values().stream().mapToInt(Integer::intValue).sum() == 1) {
                String s =
                        sym.entrySet().stream()
                                .filter(e -> e.getValue() > 0)
                                .findFirst()
                                .get()
                                .getKey();
                target[inferAt] = Dim.dim(s);
            } else {
                target[inferAt] = Dim.unknown();
            }
        } else if (!unknownIn && !unknownOut && !symLeft && known != knownOut) {
            throw shapeError(
                    "Reshape",
                    "element count differs: cannot reshape to " + Shape.of(Arrays.asList(target)),
                    x,
                    null);
        }
        return emit(
                "Reshape", List.of(x, shape), Map.of(), x.dtype(), Shape.of(Arrays.asList(target)));
    }

    /** Reshape {@code x} to the shape of {@code like} (for gradients). */
    public Tensor reshapeLike(Tensor x, Tensor like) {
        if (x.shape().equals(like.shape())) {
            return x;
        }
        return reshape(x, shapeOf(like));
    }

    /**
     * ONNX {@code Unsqueeze} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor unsqueeze(Tensor x, long... axes) {
        int r = x.rank() + axes.length;
        long[] ax = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ax[i] = axes[i] < 0 ? axes[i] + r : axes[i];
            if (ax[i] < 0 || ax[i] >= r) {
                throw new IllegalArgumentException(
                        "Unsqueeze: axis " + axes[i] + " out of range for " + x.shape());
            }
        }
        Arrays.sort(ax);
        List<Dim> out = new ArrayList<>();
        int src = 0;
        for (int i = 0; i < r; i++) {
            if (Arrays.binarySearch(ax, i) >= 0) {
                out.add(Dim.of(1));
            } else {
                out.add(x.dim(src++));
            }
        }
        return emit("Unsqueeze", List.of(x, constantLongs(ax)), Map.of(), x.dtype(), Shape.of(out));
    }

    /**
     * ONNX {@code Squeeze} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor squeeze(Tensor x, long... axes) {
        long[] ax = normAxes("Squeeze", x, axes);
        for (long a : ax) {
            Dim d = x.dim((int) a);
            if (d.isStatic() && d.value() != 1) {
                throw shapeError("Squeeze", "axis " + a + " has size " + d, x, null);
            }
        }
        return emit(
                "Squeeze",
                List.of(x, constantLongs(ax)),
                Map.of(),
                x.dtype(),
                reducedShape(x, ax, false));
    }

    /** Broadcasts {@code x} to a shape tensor. */
    public Tensor expand(Tensor x, Tensor shape) {
        Dim[] vd = shape.valueDims;
        int r = (int) shape.dim(0).value();
        Dim[] d = new Dim[r];
        for (int i = 0; i < r; i++) {
            d[i] = vd != null && vd[i] != null ? vd[i] : Dim.unknown();
        }
        Tensor target =
                new Tensor(
                        this,
                        shape.name(),
                        x.dtype(),
                        Shape.of(Arrays.asList(d)),
                        Tensor.Kind.NODE);
        return emit(
                "Expand", List.of(x, shape), Map.of(), x.dtype(), broadcast("Expand", x, target));
    }

    /** Broadcasts {@code x} to the shape of {@code like}. */
    public Tensor expandAs(Tensor x, Tensor like) {
        if (x.shape().equals(like.shape())) {
            return x;
        }
        return expand(x, shapeOf(like));
    }

    /**
     * ONNX {@code Concat} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("Concat: no inputs");
        }
        Tensor f = ts[0];
        int a = axis("Concat", f, axis);
        long total = 0;
        boolean stat = true;
        for (Tensor t : ts) {
            sameDtype("Concat", f, t);
            if (t.rank() != f.rank()) {
                throw shapeError("Concat", "ranks differ", f, t);
            }
            for (int i = 0; i < f.rank(); i++) {
                if (i != a
                        && f.dim(i).isStatic()
                        && t.dim(i).isStatic()
                        && f.dim(i).value() != t.dim(i).value()) {
                    throw shapeError(
                            "Concat",
                            "dims differ at axis " + i + " (concat axis " + a + ")",
                            f,
                            t);
                }
            }
            if (t.dim(a).isStatic()) {
                total += t.dim(a).value();
            } else {
                stat = false;
            }
        }
        Shape out =
                f.shape()
                        .with(
                                a,
                                stat ? Dim.of(total) : (ts.length == 1 ? f.dim(a) : Dim.unknown()));
        Tensor r = emit("Concat", Arrays.asList(ts), attrs("axis", (long) a), f.dtype(), out);
        if (f.dtype() == DType.INT64 && f.rank() == 1) {
            List<Dim> vd = new ArrayList<>();
            boolean ok = true;
            for (Tensor t : ts) {
                if (t.valueDims == null) {
                    ok = false;
                    break;
                }
                vd.addAll(Arrays.asList(t.valueDims));
            }
            if (ok) {
                r.valueDims = vd.toArray(new Dim[0]);
            }
        }
        return r;
    }

    /** Slice with constant starts/ends/axes/steps (ONNX clamping semantics). */
    public Tensor slice(Tensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        if (axes == null) {
            axes = allAxes(starts.length);
        }
        if (steps == null) {
            steps = new long[starts.length];
            Arrays.fill(steps, 1);
        }
        if (starts.length != ends.length
                || starts.length != axes.length
                || starts.length != steps.length) {
            throw new IllegalArgumentException("Slice: starts/ends/axes/steps lengths differ");
        }
        Shape out = x.shape();
        long[] na = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axis("Slice", x, axes[i]);
            na[i] = a;
            if (steps[i] == 0) {
                throw new IllegalArgumentException("Slice: step 0");
            }
            Dim d = x.dim(a);
            if (d.isStatic()) {
                out = out.with(a, Dim.of(sliceLen(d.value(), starts[i], ends[i], steps[i])));
            } else if (!(starts[i] == 0 && ends[i] >= Long.MAX_VALUE / 2 && steps[i] == 1)) {
                out = out.with(a, Dim.unknown());
            }
        }
        return emit(
                "Slice",
                List.of(
                        x,
                        constantLongs(starts),
                        constantLongs(ends),
                        constantLongs(na),
                        constantLongs(steps)),
                Map.of(),
                x.dtype(),
                out);
    }

    /** {@code x[..., start:end, ...]} along one axis. */
    public Tensor slice(Tensor x, int axis, long start, long end) {
        return slice(x, new long[] {start}, new long[] {end}, new long[] {axis}, null);
    }

    static long clampIndex(long i, long dim, boolean forEndNegStep) {
        if (i < 0) {
            i += dim;
        }
        return forEndNegStep ? Math.max(-1, Math.min(dim - 1, i)) : Math.max(0, Math.min(dim, i));
    }

    static long sliceLen(long dim, long start, long end, long step) {
        if (step > 0) {
            long s = clampIndex(start, dim, false);
            long e = clampIndex(end, dim, false);
            return e <= s ? 0 : (e - s + step - 1) / step;
        }
        long s = clampIndex(start, dim, true);
        long e = clampIndex(end, dim, true);
        return s <= e ? 0 : (s - e - step - 1) / -step;
    }

    /** Constant padding with static pads {@code [begin_0.., end_0..]}. */
    public Tensor pad(Tensor x, long[] pads, double value) {
        if (pads.length != 2 * x.rank()) {
            throw shapeError(
                    "Pad", "expected " + 2 * x.rank() + " pads, found " + pads.length, x, null);
        }
        Shape out = x.shape();
        for (int i = 0; i < x.rank(); i++) {
            Dim d = x.dim(i);
            if (pads[i] != 0 || pads[i + x.rank()] != 0) {
                out =
                        out.with(
                                i,
                                d.isStatic()
                                        ? Dim.of(d.value() + pads[i] + pads[i + x.rank()])
                                        : Dim.unknown());
            }
        }
        return emit(
                "Pad",
                List.of(x, constantLongs(pads), scalarLike(value, x)),
                attrs("mode", "constant"),
                x.dtype(),
                out);
    }

    /**
     * ONNX {@code Gather} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor gather(Tensor data, Tensor indices, int axis) {
        checkIndices("Gather", indices);
        int a = axis("Gather", data, axis);
        List<Dim> out = new ArrayList<>(data.shape().sub(0, a).dims());
        out.addAll(indices.shape().dims());
        out.addAll(data.shape().sub(a + 1, data.rank()).dims());
        Tensor r =
                emit(
                        "Gather",
                        List.of(data, indices),
                        attrs("axis", (long) a),
                        data.dtype(),
                        Shape.of(out));
        if (data.valueDims != null && indices.constValue != null && indices.rank() <= 1) {
            long[] idx = indices.constValue.toLongArray();
            Dim[] vd = new Dim[idx.length];
            for (int i = 0; i < idx.length; i++) {
                long k = idx[i] < 0 ? idx[i] + data.valueDims.length : idx[i];
                vd[i] = data.valueDims[(int) k];
            }
            r.valueDims = vd;
        }
        return r;
    }

    private static void checkIndices(String op, Tensor indices) {
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException(
                    op
                            + ": indices "
                            + indices.name()
                            + " must be INT64 or INT32, found "
                            + indices.dtype());
        }
    }

    /**
     * ONNX {@code GatherElements} (numpy broadcasting where the op broadcasts; output dtype and
     * shape inferred).
     */
    public Tensor gatherElements(Tensor data, Tensor indices, int axis) {
        checkIndices("GatherElements", indices);
        if (data.rank() != indices.rank()) {
            throw shapeError("GatherElements", "ranks differ", data, indices);
        }
        int a = axis("GatherElements", data, axis);
        return emit(
                "GatherElements",
                List.of(data, indices),
                attrs("axis", (long) a),
                data.dtype(),
                indices.shape());
    }

    /** ScatterElements; {@code reduction} is "none" or "add" (also "mul", "max", "min"). */
    public Tensor scatterElements(
            Tensor data, Tensor indices, Tensor updates, int axis, String reduction) {
        checkIndices("ScatterElements", indices);
        sameDtype("ScatterElements", data, updates);
        if (data.rank() != indices.rank() || updates.rank() != indices.rank()) {
            throw shapeError(
                    "ScatterElements",
                    "data, indices and updates must have equal rank",
                    data,
                    updates);
        }
        int a = axis("ScatterElements", data, axis);
        return emit(
                "ScatterElements",
                List.of(data, indices, updates),
                attrs("axis", (long) a, "reduction", reduction),
                data.dtype(),
                data.shape());
    }

    /** ScatterND; {@code reduction} is "none" or "add". */
    public Tensor scatterND(Tensor data, Tensor indices, Tensor updates, String reduction) {
        checkIndices("ScatterND", indices);
        sameDtype("ScatterND", data, updates);
        return emit(
                "ScatterND",
                List.of(data, indices, updates),
                attrs("reduction", reduction),
                data.dtype(),
                data.shape());
    }

    /**
     * ONNX {@code GatherND} (numpy broadcasting where the op broadcasts; output dtype and shape
     * inferred).
     */
    public Tensor gatherND(Tensor data, Tensor indices) {
        checkIndices("GatherND", indices);
        Dim last = indices.dim(-1);
        if (!last.isStatic()) {
            throw shapeError("GatherND", "last index dimension must be static", indices, null);
        }
        List<Dim> out = new ArrayList<>(indices.shape().sub(0, indices.rank() - 1).dims());
        out.addAll(data.shape().sub((int) last.value(), data.rank()).dims());
        return emit("GatherND", List.of(data, indices), Map.of(), data.dtype(), Shape.of(out));
    }

    /** Indices of non-zero elements, shape {@code [rank, n]}. */
    public Tensor nonZero(Tensor x) {
        return emit(
                "NonZero",
                List.of(x),
                Map.of(),
                DType.INT64,
                Shape.of(Dim.of(x.rank()), Dim.unknown()));
    }

    /** A tensor of the given shape filled with {@code value}. */
    public Tensor constantOfShape(Tensor shape, double value, DType dtype) {
        Dim[] vd = shape.valueDims;
        int r = (int) shape.dim(0).value();
        Dim[] d = new Dim[r];
        for (int i = 0; i < r; i++) {
            d[i] = vd != null && vd[i] != null ? vd[i] : Dim.unknown();
        }
        return emit(
                "ConstantOfShape",
                List.of(shape),
                attrs("value", HostTensor.filled(dtype, value, 1)),
                dtype,
                Shape.of(Arrays.asList(d)));
    }

    /** Zeros shaped like {@code x}. */
    public Tensor zerosLike(Tensor x) {
        return constantOfShape(shapeOf(x), 0, x.dtype());
    }

    /** {@code [start, limit)} with step {@code delta} (scalars of one dtype). */
    public Tensor range(Tensor start, Tensor limit, Tensor delta) {
        sameDtype("Range", start, limit);
        sameDtype("Range", start, delta);
        Dim n = Dim.unknown();
        if (start.constValue != null && limit.constValue != null && delta.constValue != null) {
            double s = start.constValue.toDoubleArray()[0];
            double l = limit.constValue.toDoubleArray()[0];
            double d = delta.constValue.toDoubleArray()[0];
            n = Dim.of((long) Math.max(0, Math.ceil((l - s) / d)));
        } else if (limit.dimValue() != null
                && start.constValue != null
                && delta.constValue != null
                && start.constValue.toDoubleArray()[0] == 0
                && delta.constValue.toDoubleArray()[0] == 1) {
            n = limit.dimValue();
        }
        return emit("Range", List.of(start, limit, delta), Map.of(), start.dtype(), Shape.of(n));
    }

    /** {@code 0, 1, ..., n-1} (int64) for a 1-element shape tensor such as {@link #dimOf}. */
    public Tensor arange(Tensor n) {
        Tensor lim = squeeze(n, 0);
        lim.valueScalar = n.valueDims != null ? n.valueDims[0] : null;
        return range(
                constant(HostTensor.filled(DType.INT64, 0)),
                lim,
                constant(HostTensor.filled(DType.INT64, 1)));
    }

    /** Upper ({@code upper=true}) or lower triangle of the last two axes, offset by {@code k}. */
    public Tensor trilu(Tensor x, boolean upper, long k) {
        if (x.rank() < 2) {
            throw shapeError("Trilu", "rank must be >= 2", x, null);
        }
        return emit(
                "Trilu",
                List.of(x, constant(HostTensor.filled(DType.INT64, k))),
                attrs("upper", upper ? 1L : 0L),
                x.dtype(),
                x.shape());
    }

    // ------------------------------------------------------------------ compositions

    /** Layer normalisation over the last axis (composed; ORT fuses the pattern). */
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        Tensor mean = reduceMean(x, true, -1);
        Tensor xc = sub(x, mean);
        Tensor var = reduceMean(mul(xc, xc), true, -1);
        Tensor y = mul(xc, reciprocal(sqrt(add(var, eps))));
        y = gamma == null ? y : mul(y, gamma);
        return beta == null ? y : add(y, beta);
    }

    /** RMSNorm over the last axis: {@code x / sqrt(mean(x^2) + eps) * gamma} (LLaMA). */
    public Tensor rmsNorm(Tensor x, Tensor gamma, double eps) {
        Tensor ms = reduceMean(mul(x, x), true, -1);
        Tensor y = mul(x, reciprocal(sqrt(add(ms, eps))));
        return gamma == null ? y : mul(y, gamma);
    }

    /**
     * Inverted dropout with an explicit mask. In training mode this adds a float input {@code
     * dropout.<n>.mask} shaped like {@code x} that the trainer fills each step with {@code 0} or
     * {@code 1/(1-rate)} from its seeded generator (so resumed runs draw the same masks); in
     * inference mode it returns {@code x}.
     */
    public Tensor dropout(Tensor x, double rate) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), found " + rate);
        }
        if (!training || rate == 0) {
            return x;
        }
        String n = "dropout." + scoped("d" + (dropoutRates.size() + 1)) + ".mask";
        Tensor mask = input(n, x.dtype(), x.shape().dims().toArray());
        dropoutRates.put(n, (float) rate);
        return mul(x, mask);
    }

    // ------------------------------------------------------------------ building

    /** The parameters declared so far, in declaration order. */
    public List<ParameterSpec> parameters() {
        return List.copyOf(params.values());
    }

    /** The tensor of a declared parameter. */
    public Tensor parameterTensor(String fullName) {
        Tensor t = paramTensors.get(fullName);
        if (t == null) {
            throw new IllegalArgumentException(
                    "graph '" + name + "': no parameter '" + fullName + "'");
        }
        return t;
    }

    /** The tensors of the trainable parameters. */
    public List<Tensor> trainableParameters() {
        List<Tensor> r = new ArrayList<>();
        for (ParameterSpec p : params.values()) {
            if (p.trainable()) {
                r.add(paramTensors.get(p.name()));
            }
        }
        return r;
    }

    /** The nodes emitted so far (topological order). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** A graph input by name. */
    public Tensor inputTensor(String inputName) {
        return inputs.get(inputName);
    }

    /** An immutable snapshot of the graph: nodes, inputs, parameters, constants and outputs. */
    public Graph build() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("graph '" + name + "' has no outputs");
        }
        return new Graph(
                name, nodes, inputs, params, paramTensors, constants, outputs, dropoutRates);
    }
}
