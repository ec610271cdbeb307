package org.lcrec.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parameter declared in a graph: full (scoped) name, static shape, initialiser and whether it is
 * trained. Frozen parameters become initialisers of the exported ONNX model; trainable ones are fed
 * as inputs by the trainer.
 *
 * @param name the full name, e.g. {@code layers.3.mlp.up_proj.weight}
 * @param shape the static shape
 * @param init the seeded initialiser
 * @param trainable whether gradients are computed for it
 * @param decay whether weight decay applies (false for biases and norms by default)
 */
public record ParameterSpec(
        String name, long[] shape, Init init, boolean trainable, boolean decay) {
    public ParameterSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long size() {
        return HostTensor.numElements(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p
                && name.equals(p.name)
                && Arrays.equals(shape, p.shape)
                && Objects.equals(init, p.init)
                && trainable == p.trainable
                && decay == p.decay;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "ParameterSpec("
                + name
                + ", "
                + Arrays.toString(shape)
                + (trainable ? "" : ", frozen")
                + ")";
    }
}
