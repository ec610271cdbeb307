package org.lcrec.model.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Safetensors;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * Logits of tiny random Hugging Face checkpoints against an independent PyTorch implementation
 * (golden files from src/test/python/tiny_llama_golden.py). tiny-llama: F16 weights, GQA, untied
 * head; tiny-qwen2: BF16 weights in two shards, q/k/v biases, tied head, rope_theta 1e6. Both
 * batches have a left-padded row. Tolerance 1e-4 absolute (float32 kernels in a different order).
 */
class PyTorchParityTest {
    static Path resource(String name) throws URISyntaxException {
        return Path.of(PyTorchParityTest.class.getResource(name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-qwen2"})
    void logitsMatchPyTorch(String name) throws Exception {
        Path dir = resource(name);
        LlamaModel m = LlamaModel.load(dir);
        Map<String, HostTensor> golden =
                Safetensors.read(dir.resolve("golden.safetensors")).tensors();
        HostTensor ids = golden.get("input_ids");
        HostTensor mask = golden.get("attention_mask");
        long[] shape = ids.shape();
        LlamaConfig c = m.config();
        Map<String, Object> feeds = new HashMap<>();
        feeds.put("input_ids", HostTensor.ofLongs(ids.toLongArray(), shape));
        feeds.put("attention_mask", HostTensor.ofLongs(mask.toLongArray(), shape));
        feeds.put(
                "position_ids",
                HostTensor.ofLongs(golden.get("position_ids").toLongArray(), shape));
        for (int i = 0; i < c.numLayers(); i++) {
            HostTensor empty =
                    HostTensor.ofFloats(new float[0], shape[0], c.numKvHeads(), 0, c.headDim());
            feeds.put(DecoderExport.pastKey(i), empty);
            feeds.put(DecoderExport.pastValue(i), empty);
        }
        float[] got;
        try (InferenceSession s =
                InferenceSession.create(DecoderExport.toBytes(m, false), SessionConfig.cpu())) {
            got = s.run(feeds).get("logits").toFloatArray();
        }
        float[] want = golden.get("logits").toFloatArray();
        long[] maskV = mask.toLongArray();
        int v = c.vocabSize();
        double max = 0;
        double scale = 0;
        int compared = 0;
        for (int p = 0; p < maskV.length; p++) {
            if (maskV[p] == 0) {
                continue; // padded query rows are undefined in both implementations
            }
            for (int j = 0; j < v; j++) {
                max = Math.max(max, Math.abs(got[p * v + j] - want[p * v + j]));
                scale = Math.max(scale, Math.abs(want[p * v + j]));
            }
            compared++;
        }
        assertThat(compared).isEqualTo(12);
        assertThat(scale).as("logits are not trivially small").isGreaterThan(0.5);
        assertThat(max).as(name + ": max abs logit difference").isLessThanOrEqualTo(1e-4);
    }
}
