package org.lcrec.cli;

import java.util.Locale;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.Device;
import org.lcrec.onnx.runtime.SessionConfig;

/**
 * The {@code --device} option shared by the commands that run ONNX Runtime: {@code cpu}, {@code
 * cuda} (device 0) or {@code cuda:N}; {@code gpu} is read as {@code cuda}.
 *
 * @param cuda whether the CUDA execution provider is asked for
 * @param deviceId the CUDA device ordinal (0 on CPU)
 */
public record DeviceOption(boolean cuda, int deviceId) {
    /** The option's description, for picocli. */
    public static final String DESCRIPTION =
            "cpu, cuda or cuda:N (ONNX Runtime's CUDA provider; needs onnxruntime_gpu). Default: cpu.";

    /**
     * @param text the option's value
     * @return the parsed device
     * @throws IllegalArgumentException naming the option and what was expected
     */
    public static DeviceOption parse(String text) {
        String d = text.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return new DeviceOption(false, 0);
        }
        if (d.equals("cuda") || d.equals("gpu")) {
            return new DeviceOption(true, 0);
        }
        if (d.matches("cuda:\\d{1,4}")) {
            return new DeviceOption(true, Integer.parseInt(d.substring(5)));
        }
        throw new IllegalArgumentException(
                "--device: expected cpu, cuda or cuda:N, found \"" + text + "\"");
    }

    /**
     * @param threads intra-op threads
     * @return the session config for training and encoding graphs
     */
    public SessionConfig session(int threads) {
        return (cuda ? SessionConfig.cuda(deviceId) : SessionConfig.cpu())
                .withIntraOpThreads(threads);
    }

    /**
     * @param threads intra-op threads
     * @return the options for decoders
     */
    public DecoderOptions decoder(int threads) {
        return new DecoderOptions(cuda ? Device.CUDA : Device.CPU, deviceId, threads);
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + deviceId : "cpu";
    }
}
