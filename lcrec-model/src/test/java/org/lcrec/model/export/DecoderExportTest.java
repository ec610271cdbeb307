package org.lcrec.model.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

class DecoderExportTest {
    static final double TOL = 1e-4;

    static LlamaConfig tiny() {
        return LlamaConfig.builder()
                .vocabSize(37)
                .hiddenSize(32)
                .intermediateSize(48)
                .numLayers(2)
                .numHeads(4)
                .numKvHeads(2)
                .ropeTheta(500)
                .eosTokenId(2)
                .build();
    }

    static LlamaModel randomModel(LlamaConfig c) {
        LlamaModel m = LlamaModel.random(c, 7);
        // scale weights up so that attention is far from uniform and errors would show
        for (var p : m.weights().all()) {
            float[] v = p.toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = p.shape().length == 1 ? 1f + 0.3f * (float) Math.sin(i + 1) : v[i] * 8f;
            }
            p.set(v);
        }
        return m;
    }

    static long[] seq(int n, int offset) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = (i * 7L + offset) % 37;
        }
        return r;
    }

    static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = i;
        }
        return r;
    }

    static long[] ones(int n) {
        long[] r = new long[n];
        java.util.Arrays.fill(r, 1);
        return r;
    }

    static java.util.stream.Stream<LlamaConfig> configs() {
        return java.util.stream.Stream.of(
                tiny(),
                // multi-head (no grouping), Qwen2 q/k/v biases, tied head, odd head count
                LlamaConfig.builder()
                        .modelType("qwen2")
                        .vocabSize(37)
                        .hiddenSize(24)
                        .intermediateSize(40)
                        .numLayers(3)
                        .numHeads(3)
                        .tieWordEmbeddings(true)
                        .ropeTheta(1e6)
                        .build());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("configs")
    void stepByStepCachedDecodingEqualsPrefill(LlamaConfig c) {
        LlamaModel m = randomModel(c);
        int n = 9;
        long[] tokens = seq(n, 3);
        try (InferenceSession s =
                InferenceSession.create(DecoderExport.toBytes(m, true), SessionConfig.cpu())) {
            Map<String, HostTensor> full =
                    DecoderRunner.run(
                            s,
                            c,
                            new long[][] {tokens},
                            new long[][] {ones(n)},
                            new long[][] {range(0, n)},
                            null,
                            null);
            float[] fullLogits = full.get("logits").toFloatArray();
            assertThat(full.get("logits").shape()).containsExactly(1, n, c.vocabSize());
            assertThat(full.get("present.1.key").shape())
                    .containsExactly(1, c.numKvHeads(), n, c.headDim());

            // prefill 4 tokens, then one at a time
            int k = 4;
            Map<String, HostTensor> cache =
                    DecoderRunner.run(
                            s,
                            c,
                            new long[][] {java.util.Arrays.copyOf(tokens, k)},
                            new long[][] {ones(k)},
                            new long[][] {range(0, k)},
                            null,
                            null);
            assertClose(cache.get("logits").toFloatArray(), 0, fullLogits, 0, k * c.vocabSize());
            for (int t = k; t < n; t++) {
                cache =
                        DecoderRunner.run(
                                s,
                                c,
                                new long[][] {{tokens[t]}},
                                new long[][] {ones(t + 1)},
                                new long[][] {{t}},
                                cache,
                                null);
                assertClose(
                        cache.get("logits").toFloatArray(),
                        0,
                        fullLogits,
                        t * c.vocabSize(),
                        c.vocabSize());
            }
            // sanity: the logits are not trivially equal across positions
            assertThat(Math.abs(fullLogits[0] - fullLogits[c.vocabSize()])).isGreaterThan(1e-3f);
        }
    }

    @Test
    void leftPaddingAndBeamReorderGiveTheUnpaddedLogits() {
        LlamaConfig c = tiny();
        LlamaModel m = randomModel(c);
        long[] a = seq(6, 1);
        long[] b = seq(4, 5);
        try (InferenceSession s =
                InferenceSession.create(DecoderExport.toBytes(m, true), SessionConfig.cpu())) {
            float[] la =
                    DecoderRunner.run(
                                    s,
                                    c,
                                    new long[][] {a},
                                    new long[][] {ones(6)},
                                    new long[][] {range(0, 6)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            float[] lb =
                    DecoderRunner.run(
                                    s,
                                    c,
                                    new long[][] {b},
                                    new long[][] {ones(4)},
                                    new long[][] {range(0, 4)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            long[] bPadded = {0, 0, b[0], b[1], b[2], b[3]};
            Map<String, HostTensor> out =
                    DecoderRunner.run(
                            s,
                            c,
                            new long[][] {a, bPadded},
                            new long[][] {ones(6), {0, 0, 1, 1, 1, 1}},
                            new long[][] {range(0, 6), {1, 1, 0, 1, 2, 3}},
                            null,
                            null);
            float[] l = out.get("logits").toFloatArray();
            int v = c.vocabSize();
            assertClose(l, 0, la, 0, 6 * v);
            assertClose(l, (6 + 2) * v, lb, 0, 4 * v);

            // next step with beams swapped by beam_idx: row 0 continues b, row 1 continues a
            long next = 11;
            Map<String, HostTensor> step =
                    DecoderRunner.run(
                            s,
                            c,
                            new long[][] {{next}, {next}},
                            new long[][] {{0, 0, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}},
                            new long[][] {{4}, {6}},
                            out,
                            new long[] {1, 0});
            long[] a2 = java.util.Arrays.copyOf(a, 7);
            a2[6] = next;
            long[] b2 = java.util.Arrays.copyOf(b, 5);
            b2[4] = next;
            float[] la2 =
                    DecoderRunner.run(
                                    s,
                                    c,
                                    new long[][] {a2},
                                    new long[][] {ones(7)},
                                    new long[][] {range(0, 7)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            float[] lb2 =
                    DecoderRunner.run(
                                    s,
                                    c,
                                    new long[][] {b2},
                                    new long[][] {ones(5)},
                                    new long[][] {range(0, 5)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            float[] ls = step.get("logits").toFloatArray();
            assertClose(ls, 0, lb2, 4 * v, v);
            assertClose(ls, v, la2, 6 * v, v);
        }
    }

    @Test
    void reExportingReplacesTheExportAsAWholeAndKeepsOtherFiles(@TempDir Path tmp)
            throws Exception {
        LlamaModel m = randomModel(tiny());
        Path dir = tmp.resolve("onnx");
        DecoderExport.export(
                m,
                dir,
                ExportOptions.defaults().withExternalData(ExportOptions.ExternalData.ALWAYS));
        assertThat(dir.resolve(DecoderExport.DATA_FILE)).isRegularFile();
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        // the same directory again, weights inline: the old data file goes with the old export
        DecoderExport.export(
                m,
                dir,
                ExportOptions.defaults().withExternalData(ExportOptions.ExternalData.NEVER));
        assertThat(dir.resolve(DecoderExport.DATA_FILE)).doesNotExist();
        assertThat(dir.resolve("tokenizer.json")).hasContent("{}");
        try (InferenceSession s =
                InferenceSession.open(dir.resolve(DecoderExport.MODEL_FILE), SessionConfig.cpu())) {
            assertThat(s).isNotNull();
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("onnx");
        }
    }

    @Test
    void exportDirectoryWritesModelConfigAndTokenizer(@TempDir Path tmp) throws Exception {
        LlamaConfig c = tiny();
        LlamaModel m = randomModel(c);
        Path src = tmp.resolve("ckpt");
        m.save(src);
        Files.writeString(src.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");
        Path out = tmp.resolve("onnx");
        DecoderExport.exportDirectory(
                src,
                out,
                ExportOptions.defaults().withExternalData(ExportOptions.ExternalData.ALWAYS));
        assertThat(out.resolve("model.onnx")).isRegularFile();
        assertThat(out.resolve(DecoderExport.DATA_FILE)).isRegularFile();
        assertThat(out.resolve("config.json")).isRegularFile();
        assertThat(out.resolve("tokenizer.json")).hasContent("{\"version\":\"1.0\"}");
        try (InferenceSession file =
                        InferenceSession.open(out.resolve("model.onnx"), SessionConfig.cpu());
                InferenceSession mem =
                        InferenceSession.create(
                                DecoderExport.toBytes(m, true), SessionConfig.cpu())) {
            assertThat(file.inputNames())
                    .contains(
                            "input_ids",
                            "attention_mask",
                            "position_ids",
                            "past_key_values.0.key",
                            "past_key_values.1.value",
                            "beam_idx");
            assertThat(file.outputNames()).contains("logits", "present.0.key", "present.1.value");
            long[] t = seq(5, 2);
            float[] a =
                    DecoderRunner.run(
                                    file,
                                    c,
                                    new long[][] {t},
                                    new long[][] {ones(5)},
                                    new long[][] {range(0, 5)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            float[] b =
                    DecoderRunner.run(
                                    mem,
                                    c,
                                    new long[][] {t},
                                    new long[][] {ones(5)},
                                    new long[][] {range(0, 5)},
                                    null,
                                    null)
                            .get("logits")
                            .toFloatArray();
            assertThat(a).containsExactly(b);
        }
    }

    static void assertClose(float[] a, int offA, float[] b, int offB, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(a[offA + i] - b[offB + i]));
        }
        assertThat(max).as("max abs difference over %d values", n).isLessThanOrEqualTo(TOL);
    }
}
