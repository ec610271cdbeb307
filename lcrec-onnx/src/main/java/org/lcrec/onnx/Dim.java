package org.lcrec.onnx;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One dimension of a tensor shape: a static size, a named symbol ({@code "batch"}) or unknown. Two
 * symbolic dimensions with the same name are the same size.
 */
public final class Dim {
    private static final AtomicLong UNKNOWN_IDS = new AtomicLong();

    private final long value;
    private final String symbol;

    private Dim(long value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    /** A static dimension. */
    public static Dim of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("dimension must be >= 0, found " + value);
        }
        return new Dim(value, null);
    }

    /** A symbolic dimension, written as {@code dim_param} in ONNX. */
    public static Dim dim(String symbol) {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("symbolic dimension needs a name");
        }
        return new Dim(-1, symbol);
    }

    /** A dimension whose size is only known at run time (a fresh anonymous symbol). */
    public static Dim unknown() {
        return new Dim(-1, "?" + UNKNOWN_IDS.incrementAndGet());
    }

    /** Whether the size is known at build time. */
    public boolean isStatic() {
        return value >= 0;
    }

    /** Whether this is an anonymous unknown dimension. */
    public boolean isUnknown() {
        return symbol != null && symbol.startsWith("?");
    }

    /** The static size; throws when symbolic. */
    public long value() {
        if (value < 0) {
            throw new IllegalStateException("dimension " + this + " is not static");
        }
        return value;
    }

    /** The symbol, or null when static. */
    public String symbol() {
        return symbol;
    }

    /** Converts an {@code Integer}, {@code Long}, {@code String} (symbol) or {@code Dim}. */
    public static Dim from(Object o) {
        if (o instanceof Dim d) {
            return d;
        }
        if (o instanceof Integer i) {
            return of(i);
        }
        if (o instanceof Long l) {
            return of(l);
        }
        if (o instanceof String s) {
            return dim(s);
        }
        throw new IllegalArgumentException(
                "dimension must be an int, long, String or Dim, found "
                        + (o == null ? "null" : o.getClass().getSimpleName()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && d.value == value && java.util.Objects.equals(d.symbol, symbol);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + (symbol == null ? 0 : symbol.hashCode());
    }

    @Override
    public String toString() {
        return value >= 0 ? Long.toString(value) : symbol;
    }
}
