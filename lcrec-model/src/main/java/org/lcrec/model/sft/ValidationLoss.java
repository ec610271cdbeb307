package org.lcrec.model.sft;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.runtime.InferenceSession;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * An {@link ModelScorer} that scores a model by its negated mean response-token cross-entropy on
 * held-out examples (higher is better), weighting every response/EOS token equally. The examples
 * are prepared like training data (left-truncated prompts, EOS appended) and batched in a fixed
 * order.
 *
 * @implNote Builds a forward-only ORT session per call (the weights change between calls).
 */
public final class ValidationLoss implements ModelScorer {
    private final List<SftExample> examples;
    private final int maxLength;
    private final int batchSize;
    private final SessionConfig session;

    /** Scores on {@code examples}, batches of {@code batchSize} up to {@code maxLength} tokens. */
    public ValidationLoss(
            List<SftExample> examples, int maxLength, int batchSize, SessionConfig session) {
        if (examples.isEmpty() || maxLength < 2 || batchSize < 1) {
            throw new IllegalArgumentException(
                    "need examples, maxLength >= 2 and batchSize >= 1; found "
                            + examples.size()
                            + " examples, "
                            + maxLength
                            + ", "
                            + batchSize);
        }
        this.examples = List.copyOf(examples);
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.session = Objects.requireNonNull(session, "session");
    }

    @Override
    public double evaluate(LlamaModel model, long step) {
        return -meanLoss(model);
    }

    /** The mean cross-entropy per response/EOS token. */
    public double meanLoss(LlamaModel model) {
        LlamaConfig c = model.config();
        SftBatches data =
                SftBatches.prepare(
                        examples, maxLength, c.bosTokenId(), c.eosTokenId(), c.vocabSize());
        if (data.size() == 0) {
            throw new IllegalArgumentException("no validation example fits maxLength " + maxLength);
        }
        SftGraph graph = SftGraph.build(c, null, 0);
        byte[] bytes =
                OnnxExport.builder()
                        .parameterValues(model.weights())
                        .outputs(List.of(SftGraph.LOSS))
                        .build()
                        .toBytes(graph.builder().build());
        int pad = c.padTokenId() >= 0 ? c.padTokenId() : c.eosTokenId();
        double sum = 0;
        long tokens = 0;
        try (InferenceSession s = InferenceSession.create(bytes, session)) {
            for (int[] b : data.epoch(batchSize, 0, 0)) {
                SftBatches.Batch x = data.pad(b, pad);
                long n = x.labels().length;
                Map<String, Object> f =
                        Map.of(
                                SftGraph.INPUT_IDS,
                                        HostTensor.ofLongs(x.ids(), x.rows(), x.length()),
                                SftGraph.ATTENTION_MASK,
                                        HostTensor.ofLongs(x.mask(), x.rows(), x.length()),
                                SftGraph.POSITION_IDS,
                                        HostTensor.ofLongs(x.positions(), x.rows(), x.length()),
                                SftGraph.LOSS_POSITIONS, HostTensor.ofLongs(x.lossPositions(), n),
                                SftGraph.LABELS, HostTensor.ofLongs(x.labels(), n));
                sum += s.run(f).get(SftGraph.LOSS).toFloatArray()[0] * (double) n;
                tokens += n;
            }
        }
        return sum / tokens;
    }

    @Override
    public String toString() {
        return "ValidationLoss("
                + examples.size()
                + " examples, maxLength="
                + maxLength
                + ", batchSize="
                + batchSize
                + ")";
    }
}
