package org.lcrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.onnx.runtime.ExecutionProviderUnavailableException;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.Ort;
import org.lcrec.onnx.runtime.SessionConfig;

class SerializationTest {
    @TempDir Path tmp;

    private static GraphBuilder linearModel() {
        GraphBuilder g = new GraphBuilder("lin");
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), 3);
        Tensor w = g.frozenParameter("proj.weight", Init.xavierUniform(), 3, 2);
        Tensor b = g.parameter("proj.bias", Init.constant(0.5f), 2);
        g.output("y", g.linear(x, w, b));
        return g;
    }

    @Test
    void modelRoundTripsThroughReaderAndRuns() {
        GraphBuilder g = linearModel();
        Graph graph = g.build();
        ParameterStore store = ParameterStore.initialize(graph, 5);
        byte[] bytes = OnnxExport.builder().parameterValues(store).build().toBytes(graph);
        OnnxModel m = OnnxModel.parse(bytes, null);
        assertThat(m.opsets()).containsEntry("", (long) GraphBuilder.OPSET);
        assertThat(m.inputs()).hasSize(1);
        assertThat(m.inputs().get(0).toString()).isEqualTo("x:FLOAT[batch, 3]");
        assertThat(m.outputs().get(0).name()).isEqualTo("y");
        assertThat(m.initializers().get("proj.weight").toFloatArray())
                .containsExactly(store.get("proj.weight").toArray());
        assertThat(m.opTypes()).contains("MatMul", "Add", "Identity");
        try (InferenceSession s = InferenceSession.create(bytes, SessionConfig.cpu())) {
            float[] y =
                    s.run(Map.of("x", HostTensor.ofFloats(new float[] {1, 0, 0}, 1, 3)))
                            .get("y")
                            .toFloatArray();
            float[] w = store.get("proj.weight").toArray();
            assertThat(y).containsExactly(w[0] + 0.5f, w[1] + 0.5f);
        }
    }

    @Test
    void externalDataIsWrittenAndLoaded() throws Exception {
        Graph graph = linearModel().build();
        ParameterStore store = ParameterStore.initialize(graph, 5);
        Path model = tmp.resolve("lin.onnx");
        OnnxExport.builder()
                .parameterValues(store)
                .externalData(tmp.resolve("lin.onnx.data"), 0)
                .build()
                .save(graph, model);
        assertThat(Files.size(tmp.resolve("lin.onnx.data"))).isGreaterThan(0);
        OnnxModel m = OnnxModel.read(model);
        assertThat(m.initializers().get("proj.weight").toFloatArray())
                .containsExactly(store.get("proj.weight").toArray());
        try (InferenceSession s = InferenceSession.open(model, SessionConfig.cpu())) {
            float[] y =
                    s.run(Map.of("x", HostTensor.ofFloats(new float[] {0, 1, 0}, 1, 3)))
                            .get("y")
                            .toFloatArray();
            assertThat(y[1]).isEqualTo(store.get("proj.weight").toArray()[3] + 0.5f);
        }
    }

    @Test
    void missingAndExtraInputsAreNamed() {
        GraphBuilder g = new GraphBuilder("two");
        Tensor a = g.input("a", DType.FLOAT, 2);
        Tensor b = g.input("b", DType.FLOAT, 2);
        g.output("c", g.add(a, b));
        try (InferenceSession s =
                InferenceSession.create(
                        OnnxExport.builder().build().toBytes(g.build()), SessionConfig.cpu())) {
            HostTensor v = HostTensor.ofFloats(new float[] {1, 2}, 2);
            assertThatThrownBy(() -> s.run(Map.of("a", v, "z", v)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing inputs [b]")
                    .hasMessageContaining("unknown inputs [z]");
            assertThatThrownBy(
                            () ->
                                    s.run(
                                            Map.of(
                                                    "a",
                                                    v,
                                                    "b",
                                                    HostTensor.ofLongs(new long[] {1, 2}, 2))))
                    .hasMessageContaining("input 'b' expects FLOAT, found INT64");
        }
    }

    @Test
    void cudaRequestFailsClearlyWithoutTheGpuBuild() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                Ort.availableProviders().contains(ai.onnxruntime.OrtProvider.CUDA));
        GraphBuilder g = new GraphBuilder("id");
        g.output("y", g.identity(g.input("x", DType.FLOAT, 1)));
        byte[] bytes = OnnxExport.builder().build().toBytes(g.build());
        assertThatThrownBy(() -> InferenceSession.create(bytes, SessionConfig.cuda(0)))
                .isInstanceOf(ExecutionProviderUnavailableException.class)
                .hasMessageContaining("onnxruntime_gpu");
    }

    @Test
    void safetensorsRoundTripAndHalfPrecision() {
        Path f = tmp.resolve("w.safetensors");
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put(
                "model.layers.0.mlp.up_proj.weight",
                HostTensor.ofFloats(new float[] {1.5f, -2f, 3.25f, 0f}, 2, 2));
        float[] vals = {1.5f, -2f, 65504f, 0.000061035156f, -0.1f};
        ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bf = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vals) {
            h.putShort(HostTensor.floatToHalf(v));
            bf.putShort(HostTensor.floatToBfloat16(v));
        }
        t.put("half", new HostTensor(DType.FLOAT16, new long[] {5}, h.flip()));
        t.put("bf16", new HostTensor(DType.BFLOAT16, new long[] {5}, bf.flip()));
        Safetensors.write(f, t, Map.of("format", "pt"));
        Safetensors.Contents c = Safetensors.read(f);
        assertThat(c.metadata()).containsEntry("format", "pt");
        assertThat(c.tensors().keySet())
                .containsExactly("model.layers.0.mlp.up_proj.weight", "half", "bf16");
        assertThat(c.tensors().get("model.layers.0.mlp.up_proj.weight").toFloatArray())
                .containsExactly(1.5f, -2f, 3.25f, 0f);
        float[] half = c.tensors().get("half").toFloatArray();
        float[] b16 = c.tensors().get("bf16").toFloatArray();
        for (int i = 0; i < vals.length; i++) {
            assertThat(half[i])
                    .isCloseTo(vals[i], org.assertj.core.data.Percentage.withPercentage(0.1));
            assertThat(b16[i])
                    .isCloseTo(vals[i], org.assertj.core.data.Percentage.withPercentage(1));
        }
        // straight into parameter memory (no heap array): the same values as the widening above,
        // and a shape or dtype that does not fit is refused by name
        ParameterStore store = new ParameterStore();
        Parameter ph = store.add("half", new long[] {5}, false, false);
        Parameter pb = store.add("bf16", new long[] {5}, false, false);
        Parameter pf = store.add("f32", new long[] {2, 2}, false, false);
        ph.set(c.tensors().get("half"));
        pb.set(c.tensors().get("bf16"));
        pf.set(c.tensors().get("model.layers.0.mlp.up_proj.weight"));
        assertThat(ph.toArray()).containsExactly(half);
        assertThat(pb.toArray()).containsExactly(b16);
        assertThat(pf.toArray()).containsExactly(1.5f, -2f, 3.25f, 0f);
        assertThatThrownBy(() -> pf.set(c.tensors().get("half")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f32'")
                .hasMessageContaining("[2, 2]")
                .hasMessageContaining("[5]");
        Parameter pl = store.add("ints", new long[] {2}, false, false);
        assertThatThrownBy(() -> pl.set(HostTensor.ofLongs(new long[] {1, 2}, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floating dtype");
    }

    @Test
    void parameterStoreLoadsByNameAndRejectsMismatches() {
        Graph graph = linearModel().build();
        ParameterStore a = ParameterStore.initialize(graph, 1);
        Path f = tmp.resolve("p.safetensors");
        a.save(f, Map.of());
        ParameterStore b = ParameterStore.initialize(graph, 2);
        assertThat(b.load(f, true)).containsExactly("proj.weight", "proj.bias");
        assertThat(b.get("proj.weight").toArray()).containsExactly(a.get("proj.weight").toArray());
        ParameterStore other = new ParameterStore();
        other.add("proj.weight", new long[] {2, 3}, true, true);
        assertThatThrownBy(() -> other.load(f, true))
                .hasMessageContaining("'proj.weight' has shape [3, 2], expected [2, 3]")
                .hasMessageContaining("unexpected 'proj.bias'");
    }

    @Test
    void unsupportedDtypeIsRejectedByName() throws Exception {
        Path f = tmp.resolve("f8.safetensors");
        byte[] header =
                "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}"
                        .getBytes("UTF-8");
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put((byte) 0);
        Files.write(f, b.array());
        assertThatThrownBy(() -> Safetensors.read(f))
                .hasMessageContaining("'x'")
                .hasMessageContaining("unsupported dtype F8_E4M3");
        assertThatThrownBy(() -> DType.fromOnnx(17))
                .hasMessageContaining("unsupported ONNX tensor data type 17");
    }

    @Test
    void shapeErrorsAppearAtBuildTime() {
        GraphBuilder g = new GraphBuilder("bad");
        Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), 768);
        Tensor w = g.parameter("w", Init.zeros(), 512, 10);
        assertThatThrownBy(() -> g.matMul(x, w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MatMul")
                .hasMessageContaining("[batch, 768]")
                .hasMessageContaining("[512, 10]");
        Tensor y = g.input("y", DType.FLOAT, 3, 4);
        Tensor z = g.input("z", DType.FLOAT, 5, 4);
        assertThatThrownBy(() -> g.add(y, z))
                .hasMessageContaining("Add")
                .hasMessageContaining("[3, 4]")
                .hasMessageContaining("[5, 4]");
        assertThatThrownBy(() -> g.reshape(y, 5, 5)).hasMessageContaining("Reshape");
        Tensor ids = g.input("ids", DType.INT64, 3);
        assertThatThrownBy(() -> g.add(y, ids)).hasMessageContaining("dtypes differ");
        assertThatThrownBy(() -> Autodiff.gradients(g, g.reduceSum(y, false), List.of(ids)))
                .hasMessageContaining("only floating tensors have gradients");
        assertThatThrownBy(() -> g.parameter("w", Init.zeros(), 1))
                .hasMessageContaining("'w' is already used");
    }

    @Test
    void scopesPrefixParameterNames() {
        GraphBuilder g = new GraphBuilder("s");
        g.pushScope("layers.3").pushScope("mlp");
        Tensor w = g.parameter("up_proj.weight", Init.zeros(), 2, 2);
        g.popScope().popScope();
        try (GraphBuilder.Scope s = g.scope("norm")) {
            assertThat(s).isNotNull();
            assertThat(g.parameter("weight", Init.ones(), 2).name()).isEqualTo("norm.weight");
        }
        assertThat(w.name()).isEqualTo("layers.3.mlp.up_proj.weight");
    }

    @Test
    void seededInitialisersDependOnSeedAndNameOnly() {
        GraphBuilder g1 = new GraphBuilder("a");
        g1.parameter("x", Init.xavierNormal(), 4, 4);
        g1.parameter("y", Init.normal(0.02), 4, 4);
        GraphBuilder g2 = new GraphBuilder("b");
        g2.parameter("y", Init.normal(0.02), 4, 4);
        ParameterStore s1 = ParameterStore.initialize(g1.parameters(), 9);
        ParameterStore s2 = ParameterStore.initialize(g2.parameters(), 9);
        assertThat(s1.get("y").toArray()).containsExactly(s2.get("y").toArray());
        assertThat(ParameterStore.initialize(g2.parameters(), 10).get("y").toArray())
                .isNotEqualTo(s2.get("y").toArray());
    }

    @Test
    void aParametersViewIsItsOwnMemoryReadOnlyAndWritesAsTheCopyDoes(@TempDir Path tmp) {
        Parameter p = new ParameterStore().add("w", new long[] {2, 3}, true, true);
        p.set(new float[] {1, 2, 3, 4, 5, 6});
        HostTensor view = p.view();
        HostTensor copy = p.toHostTensor();
        assertThat(view.bytes().isReadOnly()).isTrue();
        p.set(new float[] {6, 5, 4, 3, 2, 1});
        assertThat(view.bytes().order(ByteOrder.LITTLE_ENDIAN).getFloat(0)).isEqualTo(6f);
        assertThat(copy.bytes().order(ByteOrder.LITTLE_ENDIAN).getFloat(0)).isEqualTo(1f);
        // written through a view, the file holds the parameter's current values
        Path f = tmp.resolve("w.safetensors");
        Safetensors.write(f, Map.of("w", p.view()), Map.of());
        assertThat(Safetensors.read(f).tensors().get("w").bytes())
                .isEqualTo(p.toHostTensor().bytes());
    }
}
