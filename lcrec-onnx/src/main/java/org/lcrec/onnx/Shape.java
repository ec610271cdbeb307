package org.lcrec.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable tensor shape: a list of {@link Dim}s of known rank. */
public final class Shape {
    private final Dim[] dims;

    private Shape(Dim[] dims) {
        this.dims = dims;
    }

    /** A shape from ints, longs, symbol strings or {@link Dim}s. */
    public static Shape of(Object... dims) {
        Dim[] d = new Dim[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Dim.from(dims[i]);
        }
        return new Shape(d);
    }

    /** A static shape. */
    public static Shape of(long[] dims) {
        Dim[] d = new Dim[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Dim.of(dims[i]);
        }
        return new Shape(d);
    }

    /** A shape from a list of dims. */
    public static Shape of(List<Dim> dims) {
        return new Shape(dims.toArray(new Dim[0]));
    }

    /** The scalar shape {@code []}. */
    public static Shape scalar() {
        return new Shape(new Dim[0]);
    }

    public int rank() {
        return dims.length;
    }

    public Dim dim(int axis) {
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    public List<Dim> dims() {
        return List.of(dims);
    }

    /** Whether all dims are static. */
    public boolean isStatic() {
        for (Dim d : dims) {
            if (!d.isStatic()) {
                return false;
            }
        }
        return true;
    }

    /** The static sizes; throws when a dim is symbolic. */
    public long[] toArray() {
        long[] r = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (!dims[i].isStatic()) {
                throw new IllegalStateException("shape " + this + " is not static");
            }
            r[i] = dims[i].value();
        }
        return r;
    }

    /** Number of elements; throws when not static. */
    public long size() {
        long n = 1;
        for (long v : toArray()) {
            n *= v;
        }
        return n;
    }

    /** A copy with dim {@code axis} replaced. */
    public Shape with(int axis, Dim d) {
        Dim[] c = dims.clone();
        c[axis < 0 ? axis + dims.length : axis] = d;
        return new Shape(c);
    }

    /** Dims {@code [from, to)} as a new shape. */
    public Shape sub(int from, int to) {
        return new Shape(Arrays.copyOfRange(dims, from, to));
    }

    /** This shape followed by another. */
    public Shape concat(Shape other) {
        List<Dim> l = new ArrayList<>(dims());
        l.addAll(other.dims());
        return of(l);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dims[i]);
        }
        return b.append(']').toString();
    }
}
