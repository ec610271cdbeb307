package org.lcrec.onnx.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.EnumSet;

/**
 * The process-wide ORT environment and session creation with provider selection.
 *
 * <p>This class owns ONNX Runtime's process-wide settings: ORT keeps one environment per process,
 * and the first caller of {@code OrtEnvironment.getEnvironment} fixes its log level and name for
 * good. Every module of the SDK (lcrec-onnx, lcrec-model, lcrec-inference) takes the environment
 * from {@link #env()}, so the settings do not depend on which module touches ORT first.
 */
public final class Ort {
    /**
     * ORT's own log level for the process: errors only. ORT writes its log to the native stderr,
     * outside any Java logging binding, and at WARNING it reports routine graph rewrites (unused
     * initialisers removed, nodes placed on the CPU) on every session; failures still reach the
     * caller as exceptions with ORT's message.
     */
    public static final OrtLoggingLevel LOG_LEVEL = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;

    /** The name ORT's log lines carry. */
    public static final String LOG_ID = "lcrec";

    private static volatile OrtEnvironment env;

    private Ort() {}

    /**
     * @return the one environment of this process, created on first use with {@link #LOG_LEVEL}
     */
    public static OrtEnvironment env() {
        OrtEnvironment e = env;
        if (e == null) {
            synchronized (Ort.class) {
                if (env == null) {
                    env = OrtEnvironment.getEnvironment(LOG_LEVEL, LOG_ID);
                }
                e = env;
            }
        }
        return e;
    }

    /** The providers the loaded ORT library offers. */
    public static EnumSet<OrtProvider> availableProviders() {
        return OrtEnvironment.getAvailableProviders();
    }

    /**
     * Adds the CUDA execution provider for {@code deviceId} to session options.
     *
     * @throws ExecutionProviderUnavailableException if this ONNX Runtime has no CUDA provider (the
     *     CPU-only artifact) or the provider cannot be loaded for the device
     */
    public static void addCuda(OrtSession.SessionOptions o, int deviceId) {
        if (!availableProviders().contains(OrtProvider.CUDA)) {
            throw new ExecutionProviderUnavailableException(
                    "CUDA execution provider requested but this ONNX Runtime "
                            + "build offers only "
                            + availableProviders()
                            + "; put com.microsoft.onnxruntime:onnxruntime_gpu "
                            + "on the class path instead of onnxruntime and install CUDA 12 and cuDNN 9",
                    null);
        }
        try {
            o.addCUDA(deviceId);
        } catch (OrtException ex) {
            throw new ExecutionProviderUnavailableException(
                    "CUDA execution provider requested for device "
                            + deviceId
                            + " but it could not be loaded: "
                            + ex.getMessage(),
                    ex);
        }
    }

    /** Session options for a config; CUDA raises a clear error when unavailable. */
    public static OrtSession.SessionOptions options(SessionConfig cfg) {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            if (cfg.intraOpThreads() > 0) {
                o.setIntraOpNumThreads(cfg.intraOpThreads());
            }
            if (cfg.interOpThreads() > 0) {
                o.setInterOpNumThreads(cfg.interOpThreads());
            }
            o.setOptimizationLevel(
                    cfg.optimize()
                            ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                            : OrtSession.SessionOptions.OptLevel.NO_OPT);
            if (cfg.provider() == ExecutionProvider.CUDA) {
                addCuda(o, cfg.deviceId());
            }
            return o;
        } catch (OrtException ex) {
            o.close();
            throw new OnnxRuntimeException(
                    "configuring session options " + cfg + ": " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            o.close();
            throw ex;
        }
    }

    /** Creates a session from model bytes. */
    public static OrtSession createSession(byte[] model, SessionConfig cfg, String what) {
        try (OrtSession.SessionOptions o = options(cfg)) {
            return env().createSession(model, o);
        } catch (OrtException ex) {
            throw new OnnxRuntimeException(
                    "creating ORT session for " + what + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Creates a session from a model file (external data resolved beside it, and checked to lie
     * inside its directory by {@link org.lcrec.onnx.OnnxModel#checkExternalData} first).
     */
    public static OrtSession createSession(java.nio.file.Path model, SessionConfig cfg) {
        org.lcrec.onnx.OnnxModel.checkExternalData(model);
        try (OrtSession.SessionOptions o = options(cfg)) {
            return env().createSession(model.toString(), o);
        } catch (OrtException ex) {
            throw new OnnxRuntimeException(
                    "creating ORT session for " + model + ": " + ex.getMessage(), ex);
        }
    }
}
