package org.lcrec.inference;

/**
 * How to open a decoder session.
 *
 * @param device CPU or CUDA
 * @param deviceId the CUDA device ordinal (ignored on CPU)
 * @param intraOpThreads ORT intra-op threads; 0 lets ORT choose (one per physical core)
 */
public record DecoderOptions(Device device, int deviceId, int intraOpThreads) {
    /** Validates the options. */
    public DecoderOptions {
        if (device == null) {
            throw new IllegalArgumentException("device must not be null");
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("deviceId must be >= 0, found " + deviceId);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 0 (0 = ORT default), found " + intraOpThreads);
        }
    }

    /**
     * @return CPU with ORT's default thread count
     */
    public static DecoderOptions cpu() {
        return new DecoderOptions(Device.CPU, 0, 0);
    }

    /**
     * @param threads intra-op threads
     * @return a copy with that thread count
     */
    public DecoderOptions withIntraOpThreads(int threads) {
        return new DecoderOptions(device, deviceId, threads);
    }

    /**
     * @param newDevice the device
     * @return a copy on that device
     */
    public DecoderOptions withDevice(Device newDevice) {
        return new DecoderOptions(newDevice, deviceId, intraOpThreads);
    }
}
