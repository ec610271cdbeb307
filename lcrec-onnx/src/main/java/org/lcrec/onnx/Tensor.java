package org.lcrec.onnx;

/**
 * A symbolic tensor of a graph under construction: a value name, an element type and a shape
 * inferred at build time. Tensors are created by {@link GraphBuilder} and only valid there.
 */
public final class Tensor {
    /** How a tensor enters the graph. */
    public enum Kind {
        INPUT,
        PARAMETER,
        CONSTANT,
        NODE
    }

    final GraphBuilder owner;
    private final String name;
    private final DType dtype;
    private final Shape shape;
    private final Kind kind;
    Node producer;

    /** Constant value when known at build time (constants and folded shape pieces), else null. */
    HostTensor constValue;

    /**
     * For a 1-D int64 shape-like tensor: the run-time values as dims where known (null entries
     * unknown).
     */
    Dim[] valueDims;

    /** For an int64 scalar holding a tensor dimension: that dimension. */
    Dim valueScalar;

    Dim dimValue() {
        return valueScalar;
    }

    Tensor(GraphBuilder owner, String name, DType dtype, Shape shape, Kind kind) {
        this.owner = owner;
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.kind = kind;
    }

    /** The ONNX value name. */
    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** Dimension {@code axis} (negative counts from the end). */
    public Dim dim(int axis) {
        return shape.dim(axis);
    }

    public Kind kind() {
        return kind;
    }

    /** The node that computes this tensor, or null for inputs, parameters and constants. */
    public Node producer() {
        return producer;
    }

    /** The constant value when known at build time, else null. */
    public HostTensor constantValue() {
        return constValue;
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shape;
    }
}
