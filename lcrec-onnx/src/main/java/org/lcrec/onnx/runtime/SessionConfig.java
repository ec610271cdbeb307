package org.lcrec.onnx.runtime;

/**
 * How to create an ORT session.
 *
 * @param provider the execution provider
 * @param deviceId the CUDA device (ignored for CPU)
 * @param intraOpThreads threads inside one op; 0 lets ORT choose (one per physical core)
 * @param interOpThreads threads across ops; 0 lets ORT choose
 * @param optimize whether ORT applies all graph optimisations (fusions); true by default
 */
public record SessionConfig(
        ExecutionProvider provider,
        int deviceId,
        int intraOpThreads,
        int interOpThreads,
        boolean optimize) {
    public SessionConfig {
        if (provider == null) {
            throw new IllegalArgumentException("provider must not be null");
        }
        if (deviceId < 0 || intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "deviceId and thread counts must be >= 0, found "
                            + deviceId
                            + ", "
                            + intraOpThreads
                            + ", "
                            + interOpThreads);
        }
    }

    /** CPU with ORT's default thread counts. */
    public static SessionConfig cpu() {
        return new SessionConfig(ExecutionProvider.CPU, 0, 0, 0, true);
    }

    /** CUDA on the given device. */
    public static SessionConfig cuda(int deviceId) {
        return new SessionConfig(ExecutionProvider.CUDA, deviceId, 0, 0, true);
    }

    public SessionConfig withIntraOpThreads(int n) {
        return new SessionConfig(provider, deviceId, n, interOpThreads, optimize);
    }

    public SessionConfig withInterOpThreads(int n) {
        return new SessionConfig(provider, deviceId, intraOpThreads, n, optimize);
    }

    public SessionConfig withOptimize(boolean o) {
        return new SessionConfig(provider, deviceId, intraOpThreads, interOpThreads, o);
    }

    @Override
    public String toString() {
        return "SessionConfig("
                + provider
                + (provider == ExecutionProvider.CUDA ? ":" + deviceId : "")
                + ", intraOpThreads="
                + intraOpThreads
                + ", interOpThreads="
                + interOpThreads
                + ", optimize="
                + optimize
                + ")";
    }
}
