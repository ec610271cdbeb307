package org.lcrec.cli;

import picocli.CommandLine.Option;

/** The {@code --device} option of the commands that run ONNX Runtime (a picocli mixin). */
public final class DeviceFlag {
    @Option(
            names = "--device",
            paramLabel = "cpu|cuda[:N]",
            defaultValue = "cpu",
            description = DeviceOption.DESCRIPTION)
    String device;

    /**
     * @return the parsed value
     * @throws IllegalArgumentException if it is not understood
     */
    public DeviceOption get() {
        return DeviceOption.parse(device);
    }

    @Override
    public String toString() {
        return "--device " + device;
    }
}
