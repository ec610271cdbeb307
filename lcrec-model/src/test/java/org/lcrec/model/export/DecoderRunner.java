package org.lcrec.model.export;

import java.util.HashMap;
import java.util.Map;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.runtime.InferenceSession;

/** Test helper: runs an exported decoder with explicit caches. */
final class DecoderRunner {
    private DecoderRunner() {}

    /** One step result: logits and the presents keyed by output name. */
    static Map<String, HostTensor> run(
            InferenceSession s,
            LlamaConfig c,
            long[][] ids,
            long[][] mask,
            long[][] pos,
            Map<String, HostTensor> past,
            long[] beamIdx) {
        int b = ids.length;
        Map<String, Object> feeds = new HashMap<>();
        feeds.put("input_ids", longs(ids));
        feeds.put("attention_mask", longs(mask));
        feeds.put("position_ids", longs(pos));
        for (int i = 0; i < c.numLayers(); i++) {
            if (past == null) {
                HostTensor empty =
                        HostTensor.ofFloats(new float[0], b, c.numKvHeads(), 0, c.headDim());
                feeds.put(DecoderExport.pastKey(i), empty);
                feeds.put(DecoderExport.pastValue(i), empty);
            } else {
                feeds.put(DecoderExport.pastKey(i), past.get(DecoderExport.presentKey(i)));
                feeds.put(DecoderExport.pastValue(i), past.get(DecoderExport.presentValue(i)));
            }
        }
        if (s.inputNames().contains("beam_idx")) {
            long[] bi = beamIdx;
            if (bi == null) {
                bi = new long[b];
                for (int i = 0; i < b; i++) {
                    bi[i] = i;
                }
            }
            feeds.put("beam_idx", HostTensor.ofLongs(bi, bi.length));
        }
        return s.run(feeds);
    }

    static HostTensor longs(long[][] v) {
        int r = v.length;
        int cols = v[0].length;
        long[] flat = new long[r * cols];
        for (int i = 0; i < r; i++) {
            System.arraycopy(v[i], 0, flat, i * cols, cols);
        }
        return HostTensor.ofLongs(flat, r, cols);
    }
}
