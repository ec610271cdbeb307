package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lcrec.core.DatasetException;
import org.lcrec.core.LcrecException;
import org.lcrec.inference.DecodingException;
import org.lcrec.model.encoder.EncoderException;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.model.sasrec.SasRecException;
import org.lcrec.onnx.runtime.ExecutionProviderUnavailableException;
import org.lcrec.onnx.runtime.OnnxRuntimeException;
import org.lcrec.onnx.train.CheckpointMismatchException;
import org.lcrec.onnx.train.TrainingDivergedException;
import org.lcrec.quantization.QuantizationException;
import org.lcrec.tasks.TaskUnavailableException;
import org.lcrec.tasks.llm.LlmException;
import org.lcrec.tasks.llm.MalformedAnswerException;
import org.lcrec.tokenizers.TokenizerException;

/** Every exception type of the SDK is an {@link LcrecException}: one clause catches them all. */
class ExceptionHierarchyTest {
    @Test
    void everySdkExceptionIsAnLcrecException() {
        List<Class<? extends RuntimeException>> types =
                List.of(
                        DatasetException.class,
                        TaskUnavailableException.class,
                        LlmException.class,
                        MalformedAnswerException.class,
                        TokenizerException.class,
                        OnnxRuntimeException.class,
                        ExecutionProviderUnavailableException.class,
                        TrainingDivergedException.class,
                        CheckpointMismatchException.class,
                        SasRecException.class,
                        EncoderException.class,
                        CheckpointException.class,
                        QuantizationException.class,
                        DecodingException.class);
        for (Class<? extends RuntimeException> t : types) {
            assertThat(LcrecException.class).as(t.getName()).isAssignableFrom(t);
        }
        assertThat(OnnxRuntimeException.class)
                .isAssignableFrom(ExecutionProviderUnavailableException.class);
        assertThat(DatasetException.class).isAssignableFrom(TaskUnavailableException.class);
    }

    @Test
    void oneClauseCatchesThemAndKeepsTheCause() {
        IllegalStateException cause = new IllegalStateException("native");
        try {
            throw new OnnxRuntimeException("session run: step 3", cause);
        } catch (LcrecException e) {
            assertThat(e).hasMessage("session run: step 3").hasCause(cause);
        }
        try {
            throw new TrainingDivergedException(7, "loss is NaN");
        } catch (LcrecException e) {
            assertThat(e).hasMessageContaining("step 7").hasMessageContaining("NaN");
        }
    }
}
