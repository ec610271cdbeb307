package org.lcrec.bench;

import java.util.Map;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.Tensor;
import org.lcrec.onnx.runtime.DirectTensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The physical reference of the training benchmarks: a plain ORT MatMul {@code [1024x2048] x
 * [2048x1024]} in one session with pre-allocated inputs and output, so a training step's FLOP rate
 * can be read as a fraction of what ORT's kernels reach on the same machine in the same run.
 */
@State(Scope.Benchmark)
public class MatMulReference {
    /** FLOPs of one call: 2 * 1024 * 2048 * 1024. */
    public static final double GFLOP_PER_CALL = 2.0 * 1024 * 2048 * 1024 / 1e9;

    /** ORT intra-op threads (0 = ORT's default, one per physical core). */
    @Param({"0"})
    public int threads;

    private InferenceSession session;
    private Map<String, DirectTensor> in;
    private Map<String, DirectTensor> out;

    /** Builds the session and fills the inputs. */
    @Setup(Level.Trial)
    public void setup() {
        GraphBuilder g = new GraphBuilder("matmul");
        Tensor a = g.input("a", DType.FLOAT, 1024, 2048);
        Tensor b = g.input("b", DType.FLOAT, 2048, 1024);
        g.output("c", g.matMul(a, b));
        SessionConfig sc = SessionConfig.cpu();
        session =
                InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g.build()),
                        threads > 0 ? sc.withIntraOpThreads(threads) : sc);
        DirectTensor ta = new DirectTensor(DType.FLOAT, 1024, 2048);
        DirectTensor tb = new DirectTensor(DType.FLOAT, 2048, 1024);
        for (int i = 0; i < 1024 * 2048; i++) {
            ta.floats().put(i, (i % 7) * 0.1f);
            tb.floats().put(i, (i % 5) * 0.1f);
        }
        in = Map.of("a", ta, "b", tb);
        out = Map.of("c", new DirectTensor(DType.FLOAT, 1024, 1024));
    }

    /**
     * Runs the MatMul once.
     *
     * @return the GFLOPs done
     */
    public double run() {
        session.runInto(in, out);
        return GFLOP_PER_CALL;
    }

    /** Releases the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
    }
}
