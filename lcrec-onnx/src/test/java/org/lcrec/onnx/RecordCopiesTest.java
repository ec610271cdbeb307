package org.lcrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records of lcrec-onnx copy arrays and collections in and out. */
class RecordCopiesTest {
    @Test
    void onnxModelListsAndMaps() {
        Map<String, Long> opsets = new LinkedHashMap<>(Map.of("", 17L));
        List<OnnxModel.ValueSignature> inputs =
                new ArrayList<>(
                        List.of(new OnnxModel.ValueSignature("x", DType.FLOAT, Shape.of(2L))));
        List<String> ops = new ArrayList<>(List.of("Add"));
        Map<String, HostTensor> inits =
                new LinkedHashMap<>(Map.of("w", HostTensor.ofFloats(new float[] {1f}, 1)));
        OnnxModel m = new OnnxModel(8, opsets, "g", inputs, List.of(), ops, inits);
        opsets.clear();
        inputs.clear();
        ops.add("Mul");
        inits.clear();
        assertThat(m.opsets()).containsEntry("", 17L);
        assertThat(m.inputs()).hasSize(1);
        assertThat(m.opTypes()).containsExactly("Add");
        assertThat(m.initializers()).containsOnlyKeys("w");
        assertThatThrownBy(() -> m.opTypes().add("Mul"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.initializers().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void safetensorsContentsMaps() {
        Map<String, HostTensor> tensors =
                new LinkedHashMap<>(Map.of("w", HostTensor.ofFloats(new float[] {1f}, 1)));
        Map<String, String> meta = new LinkedHashMap<>(Map.of("format", "pt"));
        Safetensors.Contents c = new Safetensors.Contents(tensors, meta);
        tensors.clear();
        meta.put("other", "x");
        assertThat(c.tensors()).containsOnlyKeys("w");
        assertThat(c.metadata()).containsOnlyKeys("format");
        assertThatThrownBy(() -> c.metadata().put("k", "v"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parameterSpecShape() {
        long[] shape = {2, 3};
        Init init = Init.xavierNormal();
        ParameterSpec p = new ParameterSpec("w", shape, init, true, true);
        shape[0] = 99;
        p.shape()[1] = 99;
        assertThat(p.shape()).containsExactly(2, 3);
        ParameterSpec same = new ParameterSpec("w", new long[] {2, 3}, init, true, true);
        assertThat(p).isEqualTo(same).hasSameHashCodeAs(same);
    }
}
