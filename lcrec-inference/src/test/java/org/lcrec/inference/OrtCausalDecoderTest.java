package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cached decoding against the full-sequence logits that PyTorch computed without a cache ({@code
 * golden.json}, tolerance 1e-4: float32 graphs, different op order and fusion in ORT).
 */
class OrtCausalDecoderTest {
    private static final double TOL = 1e-4;

    private static long[] prompt() {
        JsonNode p = Fixtures.golden().get("prompt");
        long[] ids = new long[p.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = p.get(i).asLong();
        }
        return ids;
    }

    private static float[] goldenRow(int position) {
        JsonNode row = Fixtures.golden().get("logits").get(position);
        float[] out = new float[row.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) row.get(i).asDouble();
        }
        return out;
    }

    private static void assertRow(float[] actual, int offset, float[] expected) {
        for (int v = 0; v < expected.length; v++) {
            assertThat((double) actual[offset + v])
                    .as("logit %d", v)
                    .isCloseTo(expected[v], org.assertj.core.data.Offset.offset(TOL));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pos", "nopos", "beam", "external"})
    void fullPassMatchesGolden(String variant) {
        long[] ids = prompt();
        try (OrtCausalDecoder d = Fixtures.open(variant);
                DecoderRun run = d.newRun()) {
            float[] all = run.forwardAllPositions(ids, 1, ids.length, null);
            for (int t = 0; t < ids.length; t++) {
                assertRow(all, t * Fixtures.VOCAB, goldenRow(t));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"pos,true", "nopos,true", "beam,true", "external,true", "pos,false", "beam,false"})
    void stepByStepWithCacheMatchesGolden(String variant, boolean inGraph) {
        long[] ids = prompt();
        int prefill = 4;
        try (OrtCausalDecoder d =
                        inGraph ? Fixtures.open(variant) : Fixtures.openUnedited(variant);
                DecoderRun run = d.newRun()) {
            assertThat(d.logProbsInGraph()).isEqualTo(inGraph);
            assertThat(d.toString())
                    .contains(inGraph ? "logProbs=in-graph" : "logProbs=second session");
            float[] last = run.forward(java.util.Arrays.copyOf(ids, prefill), 1, prefill, null);
            assertRow(last, 0, goldenRow(prefill - 1));
            // a second run takes the decode steps through the ORT-side log-softmax (in the
            // decoder's graph, or in a second session)
            DecoderRun lp = d.newRun();
            lp.forward(java.util.Arrays.copyOf(ids, prefill), 1, prefill, null);
            for (int t = prefill; t < ids.length; t++) {
                last = run.forward(new long[] {ids[t]}, 1, 1, null);
                assertRow(last, 0, goldenRow(t));
                java.nio.FloatBuffer logProbs = lp.stepLogProbs(new long[] {ids[t]}, 1);
                float[] g = goldenRow(t);
                double m = Double.NEGATIVE_INFINITY;
                for (float x : g) {
                    m = Math.max(m, x);
                }
                double sum = 0;
                for (float x : g) {
                    sum += Math.exp(x - m);
                }
                double lse = m + Math.log(sum);
                for (int v = 0; v < g.length; v++) {
                    assertThat((double) logProbs.get(v))
                            .isCloseTo(g[v] - lse, org.assertj.core.data.Offset.offset(TOL));
                }
                assertThat(run.pastLength()).isEqualTo(t + 1);
            }
            lp.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pos", "nopos", "beam"})
    void leftPaddingAndReorderKeepEachRowsLogits(String variant) {
        long[] ids = prompt();
        int n = ids.length;
        int shortLen = 5;
        int pad = n - shortLen;
        long[] batch = new long[2 * n];
        long[] mask = new long[2 * n];
        for (int t = 0; t < n; t++) {
            batch[t] = ids[t];
            mask[t] = 1;
            batch[n + t] = t < pad ? Fixtures.PAD : ids[t - pad];
            mask[n + t] = t < pad ? 0 : 1;
        }
        try (OrtCausalDecoder d = Fixtures.open(variant);
                DecoderRun run = d.newRun()) {
            float[] last = run.forward(batch, 2, n, mask);
            assertRow(last, 0, goldenRow(n - 1));
            assertRow(last, Fixtures.VOCAB, goldenRow(shortLen - 1));
            // row order 1, 0, 1: the short prompt continues with its true next token in rows 0, 2
            run.reorder(new int[] {1, 0, 1});
            float[] next = run.forward(new long[] {ids[shortLen], 7, ids[shortLen]}, 3, 1, null);
            assertRow(next, 0, goldenRow(shortLen));
            assertRow(next, 2 * Fixtures.VOCAB, goldenRow(shortLen));
            assertThat(run.rows()).isEqualTo(3);
        }
    }

    @Test
    void rejectsModelDirectoryWithoutModel(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> OrtCausalDecoder.open(dir, DecoderOptions.cpu()))
                .hasMessageContaining("model.onnx");
        Files.copy(Fixtures.model("pos").resolve("model.onnx"), dir.resolve("model.onnx"));
        assertThatThrownBy(() -> OrtCausalDecoder.open(dir, DecoderOptions.cpu()))
                .hasMessageContaining("config.json");
        Files.writeString(
                dir.resolve("config.json"),
                "{\"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
                        + " \"hidden_size\": 32, \"vocab_size\": 512}");
        assertThatThrownBy(() -> OrtCausalDecoder.open(dir, DecoderOptions.cpu()))
                .hasMessageContaining("past_key_values.2.key")
                .hasMessageContaining("missing");
    }

    @Test
    void cudaRequestFailsClearlyWithoutCuda() {
        assertThatThrownBy(
                        () ->
                                OrtCausalDecoder.open(
                                        Fixtures.model("pos"),
                                        DecoderOptions.cpu().withDevice(Device.CUDA)))
                .isInstanceOf(org.lcrec.onnx.runtime.ExecutionProviderUnavailableException.class)
                .hasMessageContaining("CUDA");
    }

    @Test
    void closedDecoderRefusesNewRuns() {
        OrtCausalDecoder d = Fixtures.open("pos");
        d.close();
        d.close();
        assertThatThrownBy(d::newRun).hasMessageContaining("closed");
    }
}
