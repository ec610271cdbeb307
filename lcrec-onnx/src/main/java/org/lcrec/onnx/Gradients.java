package org.lcrec.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gradient tensors that {@link Autodiff} emitted, keyed by the tensor differentiated against.
 */
public final class Gradients {
    private final Map<Tensor, Tensor> grads;

    Gradients(Map<Tensor, Tensor> grads) {
        this.grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
    }

    /**
     * The gradient of the loss with respect to {@code t}: a tensor of t's shape. When the loss does
     * not depend on {@code t} this is a zero tensor.
     */
    public Tensor of(Tensor t) {
        Tensor g = grads.get(t);
        if (g == null) {
            throw new IllegalArgumentException("no gradient was requested for " + t);
        }
        return g;
    }

    /** All gradients, in request order. */
    public Map<Tensor, Tensor> asMap() {
        return grads;
    }
}
