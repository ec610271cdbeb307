package org.lcrec.sinkhorn;

import java.util.Arrays;

/**
 * The result of a {@link SinkhornSolver}: an entropic transport plan {@code P} (rows × columns,
 * row-major) with its diagnostics. Immutable.
 *
 * <p>Errors are measured on the returned plan itself: {@link #rowError()} = {@code Σ_i |Σ_j P_ij -
 * a_i|}, {@link #columnError()} likewise over columns.
 */
public final class TransportPlan {
    private final int rows;
    private final int cols;
    private final double[] plan;
    private final int iterations;
    private final double rowError;
    private final double columnError;
    private final double[] errorHistory;
    private final boolean converged;

    TransportPlan(
            int rows,
            int cols,
            double[] plan,
            int iterations,
            double rowError,
            double columnError,
            double[] errorHistory,
            boolean converged) {
        this.rows = rows;
        this.cols = cols;
        this.plan = plan;
        this.iterations = iterations;
        this.rowError = rowError;
        this.columnError = columnError;
        this.errorHistory = errorHistory;
        this.converged = converged;
    }

    /**
     * @return the number of rows (sources, e.g. items)
     */
    public int rows() {
        return rows;
    }

    /**
     * @return the number of columns (targets, e.g. codes)
     */
    public int columns() {
        return cols;
    }

    /**
     * @param row a row
     * @param col a column
     * @return the mass moved from that row to that column
     */
    public double get(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException(
                    "plan is " + rows + "x" + cols + ", asked for (" + row + ", " + col + ")");
        }
        return plan[row * cols + col];
    }

    /**
     * @return the plan, row-major (a copy)
     */
    public double[] toArray() {
        return plan.clone();
    }

    /**
     * @return the mass leaving each row
     */
    public double[] rowSums() {
        double[] s = new double[rows];
        for (int i = 0; i < rows; i++) {
            double acc = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                acc += plan[o + j];
            }
            s[i] = acc;
        }
        return s;
    }

    /**
     * @return the mass arriving at each column
     */
    public double[] columnSums() {
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s[j] += plan[o + j];
            }
        }
        return s;
    }

    /**
     * The hard assignment LC-Rec takes from the plan: for each row the column with the most mass
     * (the lowest column on ties).
     *
     * @return the column of each row
     */
    public int[] argmaxPerRow() {
        int[] a = new int[rows];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            int best = 0;
            double bv = plan[o];
            for (int j = 1; j < cols; j++) {
                if (plan[o + j] > bv) {
                    bv = plan[o + j];
                    best = j;
                }
            }
            a[i] = best;
        }
        return a;
    }

    /**
     * @return iterations run (row scaling followed by column scaling)
     */
    public int iterations() {
        return iterations;
    }

    /**
     * @return L1 error of the row marginals of the returned plan
     */
    public double rowError() {
        return rowError;
    }

    /**
     * @return L1 error of the column marginals of the returned plan
     */
    public double columnError() {
        return columnError;
    }

    /**
     * @return the larger of {@link #rowError()} and {@link #columnError()}
     */
    public double marginalError() {
        return Math.max(rowError, columnError);
    }

    /**
     * @return the L1 row-marginal error after each iteration (length {@link #iterations()}; the
     *     last entry is measured on the returned plan)
     */
    public double[] errorHistory() {
        return errorHistory.clone();
    }

    /**
     * @return whether the tolerance was reached before the iteration cap
     */
    public boolean converged() {
        return converged;
    }

    @Override
    public String toString() {
        return "TransportPlan("
                + rows
                + "x"
                + cols
                + ", iterations="
                + iterations
                + ", converged="
                + converged
                + ", rowError="
                + rowError
                + ", columnError="
                + columnError
                + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportPlan p
                && p.rows == rows
                && p.cols == cols
                && Arrays.equals(p.plan, plan);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(plan);
    }
}
