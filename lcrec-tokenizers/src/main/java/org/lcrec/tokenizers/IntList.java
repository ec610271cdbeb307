package org.lcrec.tokenizers;

import java.util.Arrays;

/** A growable {@code int} array, the buffer token ids are written into. Not thread-safe. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    void addAll(int[] values) {
        ensure(size + values.length);
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    void ensure(int capacity) {
        if (capacity > data.length) {
            data = Arrays.copyOf(data, Math.max(capacity, data.length * 2));
        }
    }

    int get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
