package org.lcrec.spark.internal;

import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.immutable.ArraySeq;

/**
 * Array values in and out of {@link Row}s. A row that one typed operation hands to the next without
 * serialising it keeps the objects it was made of, so the rows this module makes carry arrays as
 * Scala sequences ({@link Row}'s external type for arrays, which {@code getList} and {@code getSeq}
 * expect), and the rows it reads may hold a Scala sequence, a Java list or a Java array.
 */
public final class Rows {
    private Rows() {}

    /**
     * @param values ints
     * @return them as an array value of a row (wrapped, not copied)
     */
    public static Object array(int[] values) {
        return ArraySeq.unsafeWrapArray(values);
    }

    /**
     * @param values doubles
     * @return them as an array value of a row (wrapped, not copied)
     */
    public static Object array(double[] values) {
        return ArraySeq.unsafeWrapArray(values);
    }

    /**
     * @param values floats
     * @return them as an array value of a row (wrapped, not copied)
     */
    public static Object array(float[] values) {
        return ArraySeq.unsafeWrapArray(values);
    }

    /**
     * @param values objects (nulls allowed)
     * @return them as an array value of a row (wrapped, not copied)
     */
    public static Object array(Object[] values) {
        return ArraySeq.unsafeWrapArray(values);
    }

    /**
     * @param row a row
     * @param i a column holding an array of integers, or null
     * @return its elements (null elements kept), or null for a null value
     */
    public static Integer[] integers(Row row, int i) {
        if (row.isNullAt(i)) {
            return null;
        }
        Object v = row.get(i);
        if (v instanceof int[] a) {
            Integer[] out = new Integer[a.length];
            for (int k = 0; k < a.length; k++) {
                out[k] = a[k];
            }
            return out;
        }
        if (v instanceof Object[] a) {
            Integer[] out = new Integer[a.length];
            for (int k = 0; k < a.length; k++) {
                out[k] = (Integer) a[k];
            }
            return out;
        }
        List<?> list = v instanceof List<?> l ? l : row.getList(i);
        Integer[] out = new Integer[list.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (Integer) list.get(k);
        }
        return out;
    }
}
