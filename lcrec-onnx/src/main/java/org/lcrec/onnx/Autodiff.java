package org.lcrec.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation that emits the backward pass as standard ONNX ops into the
 * same {@link GraphBuilder}, so one ORT session run computes the loss and its gradients.
 *
 * <ul>
 *   <li>Only nodes on a path from a requested tensor to the loss are differentiated (pruning).
 *   <li>A value used several times receives the {@code Sum} of its contributions.
 *   <li>Broadcast operands get their gradient reduced over the broadcast axes ({@code ReduceSum}
 *       then {@code Reshape}; with {@code Shape}/{@code NonZero} ops where dims are only known at
 *       run time).
 *   <li>{@link GraphBuilder#stopGradient} blocks gradients; integer and bool values carry none.
 * </ul>
 *
 * <p>Call it on the builder before {@link GraphBuilder#build()}, then name the gradients as
 * outputs.
 */
public final class Autodiff {
    private final GraphBuilder g;
    private final Map<Tensor, List<Tensor>> contributions = new HashMap<>();

    private Autodiff(GraphBuilder g) {
        this.g = g;
    }

    /**
     * Emits the gradients of the scalar {@code loss} with respect to each of {@code wrt}.
     *
     * @throws IllegalArgumentException when loss is not a floating scalar or a wrt tensor is not
     *     floating
     */
    public static Gradients gradients(GraphBuilder g, Tensor loss, Collection<Tensor> wrt) {
        if (!loss.dtype().isFloating()) {
            throw new IllegalArgumentException("Autodiff: loss " + loss + " must be floating");
        }
        boolean scalar = loss.rank() == 0 || (loss.shape().isStatic() && loss.shape().size() == 1);
        if (!scalar) {
            throw new IllegalArgumentException(
                    "Autodiff: loss " + loss + " must be a scalar (reduce it first)");
        }
        for (Tensor w : wrt) {
            if (!w.dtype().isFloating()) {
                throw new IllegalArgumentException(
                        "Autodiff: cannot differentiate with respect to "
                                + w
                                + ": only floating tensors have gradients");
            }
        }
        return new Autodiff(g).run(loss, wrt);
    }

    private Gradients run(Tensor loss, Collection<Tensor> wrt) {
        List<Node> forward = new ArrayList<>(g.nodes);
        // tensors that depend on a requested tensor through differentiable edges
        Set<Tensor> dependsOnWrt = new HashSet<>(wrt);
        for (Node n : forward) {
            if (n.stopGradient) {
                continue;
            }
            for (Tensor in : n.inputs()) {
                if (in != null && dependsOnWrt.contains(in)) {
                    for (Tensor o : n.outputs()) {
                        if (o.dtype().isFloating()) {
                            dependsOnWrt.add(o);
                        }
                    }
                    break;
                }
            }
        }
        contributions
                .computeIfAbsent(loss, k -> new ArrayList<>())
                .add(g.constantOfShape(g.shapeOf(loss), 1.0, loss.dtype()));
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node n = forward.get(i);
            if (n.stopGradient) {
                continue;
            }
            Tensor[] dys = new Tensor[n.outputs().size()];
            boolean any = false;
            for (int k = 0; k < dys.length; k++) {
                Tensor o = n.outputs().get(k);
                if (dependsOnWrt.contains(o) && contributions.containsKey(o)) {
                    dys[k] = total(o);
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            boolean[] need = new boolean[n.inputs().size()];
            boolean anyNeed = false;
            for (int k = 0; k < need.length; k++) {
                Tensor in = n.input(k);
                need[k] = in != null && in.dtype().isFloating() && dependsOnWrt.contains(in);
                anyNeed |= need[k];
            }
            if (!anyNeed) {
                continue;
            }
            g.pushScope("grad");
            Tensor[] dxs;
            try {
                dxs = GradRules.apply(g, n, dys, need);
            } finally {
                g.popScope();
            }
            for (int k = 0; k < need.length; k++) {
                if (need[k] && dxs[k] != null) {
                    Tensor in = n.input(k);
                    Tensor dx = dxs[k];
                    if (!dx.shape().equals(in.shape()) && dx.rank() != in.rank()) {
                        throw new IllegalStateException(
                                "Autodiff: gradient rule of "
                                        + n.opType()
                                        + " produced shape "
                                        + dx.shape()
                                        + " for input "
                                        + in);
                    }
                    contributions.computeIfAbsent(in, x -> new ArrayList<>()).add(dx);
                }
            }
        }
        Map<Tensor, Tensor> result = new LinkedHashMap<>();
        for (Tensor w : wrt) {
            if (contributions.containsKey(w)) {
                result.put(w, total(w));
            } else {
                result.put(w, g.zerosLike(w));
            }
        }
        return new Gradients(result);
    }

    private Tensor total(Tensor t) {
        List<Tensor> c = contributions.get(t);
        if (c.size() > 1) {
            Tensor s = g.sum(c);
            c.clear();
            c.add(s);
        }
        return c.get(0);
    }

    /**
     * Reduces {@code grad} (shaped like a broadcast result) to the shape of {@code like}: sums over
     * leading and broadcast axes, then reshapes.
     */
    static Tensor sumToShape(GraphBuilder g, Tensor grad, Tensor like) {
        if (grad.shape().equals(like.shape())) {
            return grad;
        }
        int rg = grad.rank();
        int rl = like.rank();
        if (rl > rg) {
            throw new IllegalStateException(
                    "sumToShape: gradient " + grad + " has lower rank than " + like);
        }
        int lead = rg - rl;
        List<Long> axes = new ArrayList<>();
        boolean onlyLeading = true;
        for (int i = 0; i < lead; i++) {
            axes.add((long) i);
        }
        for (int i = 0; i < rl; i++) {
            Dim dl = like.dim(i);
            Dim dg = grad.dim(i + lead);
            if (dl.equals(dg)) {
                continue;
            }
            if (dl.isStatic() && dl.value() == 1) {
                axes.add((long) (i + lead));
                onlyLeading = false;
            } else if (dl.isStatic() && dg.isStatic()) {
                throw new IllegalStateException(
                        "sumToShape: " + grad + " does not broadcast from " + like);
            } else if (!dl.isStatic()) {
                return dynamicSumToShape(g, grad, like);
            }
            // dl static > 1, dg symbolic: the run-time sizes must agree; nothing to reduce
        }
        Tensor r = grad;
        if (!axes.isEmpty()) {
            long[] ax = axes.stream().mapToLong(Long::longValue).toArray();
            r = onlyLeading ? g.reduceSum(grad, false, ax) : g.reduceSum(grad, true, ax);
        }
        return r.shape().equals(like.shape()) ? r : g.reshapeLike(r, like);
    }

    private static Tensor dynamicSumToShape(GraphBuilder g, Tensor grad, Tensor like) {
        int lead = grad.rank() - like.rank();
        Tensor sg = g.shapeOf(grad);
        Tensor sl = g.shapeOf(like);
        if (lead > 0) {
            long[] ones = new long[lead];
            Arrays.fill(ones, 1);
            sl = g.concat(0, g.constantLongs(ones), sl);
        }
        Tensor one = g.constantLongs(1);
        Tensor mask = g.and(g.equal(sl, one), g.not(g.equal(sg, one)));
        Tensor axes = g.reshape(g.nonZero(mask), -1);
        Tensor red =
                g.op(
                        "ReduceSum",
                        grad.dtype(),
                        grad.shape().isStatic() ? grad.shape() : unknownShape(grad.rank()),
                        Map.of("keepdims", 1L, "noop_with_empty_axes", 1L),
                        grad,
                        axes);
        return g.reshape(red, g.shapeOf(like));
    }

    private static Shape unknownShape(int rank) {
        Dim[] d = new Dim[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = Dim.unknown();
        }
        return Shape.of((Object[]) d);
    }
}
