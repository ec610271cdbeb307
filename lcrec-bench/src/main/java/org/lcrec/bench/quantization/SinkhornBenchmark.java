package org.lcrec.bench.quantization;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lcrec.sinkhorn.SinkhornConfig;
import org.lcrec.sinkhorn.SinkhornForm;
import org.lcrec.sinkhorn.SinkhornSolver;
import org.lcrec.sinkhorn.internal.SinkhornKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Sinkhorn-Knopp iteration on a 10,000 × 256 double matrix (the uniform mapping of 10,000 items
 * to 256 codes), against its physical bound: one streaming read of the same 20 MB (the plain form
 * must read the kernel once per iteration). Compare {@code plainIteration} with {@code
 * streamingPass}; the log form and a whole LC-Rec solve (kernel build + 50 iterations) are reported
 * for context. Single thread.
 *
 * <p>Run: {@code java -jar lcrec-bench/target/benchmarks.jar 'quantization.SinkhornBenchmark' -f 1
 * -wi 2 -i 3}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class SinkhornBenchmark {
    static final int ROWS = 10_000;
    static final int COLS = 256;

    double[] cost;
    double[] kernel;
    double[] a;
    double[] b;
    double[] u;
    double[] v;
    double[] colAcc;
    double[] f;
    double[] g;
    double[] logA;
    double[] m;
    double[] s;

    /** Random costs in [-1, 1] and the Gibbs kernel at epsilon 0.05. */
    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        cost = new double[ROWS * COLS];
        for (int k = 0; k < cost.length; k++) {
            cost[k] = r.nextDouble() * 2 - 1;
        }
        kernel = new double[cost.length];
        SinkhornKernels.gibbs(cost, kernel, COLS, -1, 1 / 0.05, 0, ROWS);
        a = new double[ROWS];
        b = new double[COLS];
        Arrays.fill(a, 1.0 / ROWS);
        Arrays.fill(b, 1.0 / COLS);
        u = new double[ROWS];
        v = new double[COLS];
        Arrays.fill(u, 1);
        Arrays.fill(v, 1);
        colAcc = new double[COLS];
        f = new double[ROWS];
        g = new double[COLS];
        logA = new double[ROWS];
        Arrays.fill(logA, Math.log(1.0 / ROWS));
        m = new double[COLS];
        s = new double[COLS];
    }

    /** The reference: sum every entry of the 20 MB kernel once (four accumulators). */
    @Benchmark
    public double streamingPass() {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double[] k = kernel;
        for (int i = 0; i + 3 < k.length; i += 4) {
            s0 += k[i];
            s1 += k[i + 1];
            s2 += k[i + 2];
            s3 += k[i + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** One plain iteration as the solver runs it: fused row pass, then the column rescale. */
    @Benchmark
    public double plainIteration() {
        Arrays.fill(colAcc, 0);
        double err = SinkhornKernels.plainRowPass(kernel, COLS, a, u, v, colAcc, 0, ROWS);
        for (int j = 0; j < COLS; j++) {
            v[j] = b[j] / colAcc[j];
        }
        return err;
    }

    /** One log-domain iteration: row log-sum-exp pass, then the streaming column log-sum-exp. */
    @Benchmark
    public double logIteration() {
        double err = SinkhornKernels.logRowPass(cost, COLS, 0.05, a, logA, f, g, 0, ROWS);
        Arrays.fill(m, Double.NEGATIVE_INFINITY);
        Arrays.fill(s, 0);
        SinkhornKernels.logColumnPartial(cost, COLS, 0.05, f, m, s, 0, ROWS);
        for (int j = 0; j < COLS; j++) {
            g[j] = 0.05 * (Math.log(b[j]) - m[j] - Math.log(s[j]));
        }
        return err;
    }

    /** LC-Rec's whole uniform mapping: centring, kernel, 50 iterations, plan, argmax. */
    @Benchmark
    public int[] lcRecSolve50() {
        return new SinkhornSolver(SinkhornConfig.lcRec(0.05, 50).withForm(SinkhornForm.PLAIN))
                .solveUniform(cost, ROWS, COLS)
                .argmaxPerRow();
    }
}
