package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.lcrec.inference.Device;
import org.lcrec.onnx.runtime.ExecutionProvider;

class DeviceOptionTest {
    @Test
    void parsesCpuCudaAndOrdinals() {
        assertThat(DeviceOption.parse("cpu")).isEqualTo(new DeviceOption(false, 0));
        assertThat(DeviceOption.parse(" CUDA ")).isEqualTo(new DeviceOption(true, 0));
        assertThat(DeviceOption.parse("gpu")).isEqualTo(new DeviceOption(true, 0));
        assertThat(DeviceOption.parse("cuda:3")).isEqualTo(new DeviceOption(true, 3));
        assertThat(DeviceOption.parse("cuda:3")).hasToString("cuda:3");
    }

    @Test
    void mapsToSessionAndDecoderOptions() {
        DeviceOption d = DeviceOption.parse("cuda:1");
        assertThat(d.decoder(4).device()).isEqualTo(Device.CUDA);
        assertThat(d.decoder(4).deviceId()).isEqualTo(1);
        assertThat(d.decoder(4).intraOpThreads()).isEqualTo(4);
        assertThat(d.session(2).provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(DeviceOption.parse("cpu").session(2).provider())
                .isEqualTo(ExecutionProvider.CPU);
        assertThat(DeviceOption.parse("cpu").decoder(0).device()).isEqualTo(Device.CPU);
    }

    @Test
    void rejectsOtherValuesNamingTheOption() {
        for (String bad : new String[] {"tpu", "cuda:", "cuda:-1", "cuda:x", ""}) {
            assertThatThrownBy(() -> DeviceOption.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--device: expected cpu, cuda or cuda:N, found \"" + bad + "\"");
        }
    }
}
