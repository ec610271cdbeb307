package org.lcrec.spark.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a JVM opens once and keeps for every task it runs: recommenders, text encoders, quantizers,
 * task generators, keyed by what they were opened from (a local path and the settings that change
 * them). Tasks of one executor run in threads of one JVM, so the first task of a key opens it and
 * the others, then and later, share it; the objects kept here are thread-safe.
 *
 * @implNote the values live as long as the JVM (an executor's life, in local mode the driver's);
 *     {@link #closeAll()} closes them on the JVM it runs on. A value whose files were rewritten
 *     stays open beside the new one until then ({@link #stamp}). Opening holds the map's lock for
 *     that key only: tasks asking for other keys do not wait.
 */
public final class ExecutorCache {
    private static final Map<String, Slot> OPEN = new ConcurrentHashMap<>();

    private ExecutorCache() {}

    /**
     * One key's value, opened under the slot's own lock rather than inside the map's {@code
     * computeIfAbsent}: an opener may itself ask the cache for another key (a task generator opens
     * its dataset through the cache), and a map update from inside {@code computeIfAbsent} fails
     * with "Recursive update" whenever the two keys share a bin.
     */
    private static final class Slot {
        private Object value;

        synchronized Object get(Supplier<?> open) {
            if (value == null) {
                value = Objects.requireNonNull(open.get(), "the opener returned null");
            }
            return value;
        }

        synchronized Object peek() {
            return value;
        }
    }

    /**
     * @param key what the value was opened from (path and settings)
     * @param type its type
     * @param open opens it, at most once per key and JVM
     * @param <T> the type
     * @return the value for the key
     */
    public static <T> T get(String key, Class<T> type, Supplier<? extends T> open) {
        return type.cast(OPEN.computeIfAbsent(key, k -> new Slot()).get(open));
    }

    /**
     * A path as a key: the path and its modification time, so that a bundle, dataset or model
     * rewritten in place (an atomic directory move or file replacement changes the time) is opened
     * anew rather than served from the old copy, as a notebook that retrains and reruns in one JVM
     * would otherwise get.
     *
     * @param p a file or directory
     * @return the key part
     */
    public static String stamp(Path p) {
        try {
            return p + "@" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p + "@missing"; // opening it fails with the reader's own message
        }
    }

    /**
     * @return how many values are open in this JVM
     */
    public static int size() {
        return openValues().size();
    }

    /** The values opened so far (a slot whose opener failed holds none). */
    private static List<Object> openValues() {
        List<Object> values = new ArrayList<>();
        for (Slot slot : OPEN.values()) {
            Object v = slot.peek();
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    /**
     * Closes and forgets every value of this JVM (the driver's, or in local mode the tasks'). A
     * task that asks again opens anew.
     */
    public static void closeAll() {
        List<Object> values = openValues();
        OPEN.clear();
        RuntimeException first = null;
        for (Object v : values) {
            if (v instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("closing " + v + " failed", e);
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
