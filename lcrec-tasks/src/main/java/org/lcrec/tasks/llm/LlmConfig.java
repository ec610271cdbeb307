package org.lcrec.tasks.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to call an OpenAI-compatible chat-completions endpoint. Immutable; build with
 * {@link #builder(URI, String)}.
 *
 * @param endpoint the base URL ({@code https://host/v1}) or the full {@code .../chat/completions}
 *     URL
 * @param model the model name sent in each request
 * @param apiKey the bearer key, or {@code null} for none (local servers); never printed
 * @param temperature sampling temperature (LC-Rec used 0.4)
 * @param maxTokens answer length cap (LC-Rec used 512)
 * @param batchSize requests in flight at once; the cache file is appended after each batch
 * @param maxAttempts tries per request, including the first (retries on 408, 429, 5xx, I/O errors,
 *     timeouts and malformed answers)
 * @param initialBackoff wait before the first retry; doubled per retry
 * @param maxBackoff cap of the wait (also of a server's {@code Retry-After})
 * @param requestTimeout timeout of one request
 * @param allowPlainHttp whether {@code http://} to another machine is allowed (off by default: the
 *     bearer key and the users' texts would cross the network unencrypted); loopback hosts are
 *     always allowed
 */
public record LlmConfig(
        URI endpoint,
        String model,
        String apiKey,
        double temperature,
        int maxTokens,
        int batchSize,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration requestTimeout,
        boolean allowPlainHttp) {

    /** Validates. */
    public LlmConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(
                    "LLM endpoint: expected an http(s) URL, found \""
                            + Secrets.uri(endpoint)
                            + "\"");
        }
        if ("http".equals(scheme) && !allowPlainHttp && !Secrets.loopback(endpoint)) {
            throw new IllegalArgumentException(
                    "LLM endpoint "
                            + Secrets.uri(endpoint)
                            + ": plain http to another machine would send the API key and the"
                            + " prompts unencrypted; use https, or allow it explicitly"
                            + " (LlmConfig.Builder.allowPlainHttp, LCREC_LLM_ALLOW_HTTP=true)");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("LLM model: expected a model name, found none");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException(
                    "LLM temperature: expected 0..2, found " + temperature);
        }
        if (maxTokens < 1 || batchSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "LLM config: maxTokens, batchSize and maxAttempts must be >= 1, found "
                            + maxTokens
                            + ", "
                            + batchSize
                            + ", "
                            + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (initialBackoff.isNegative()
                || maxBackoff.isNegative()
                || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "LLM config: backoffs must be >= 0 and the request timeout > 0");
        }
    }

    /**
     * @param endpoint base or full chat-completions URL
     * @param model the model name
     * @return a builder with LC-Rec's sampling settings and moderate retry defaults
     */
    public static Builder builder(URI endpoint, String model) {
        return new Builder(endpoint, model);
    }

    /**
     * Reads {@code LCREC_LLM_URL}, {@code LCREC_LLM_MODEL}, {@code LCREC_LLM_KEY} and {@code
     * LCREC_LLM_ALLOW_HTTP} from the given environment.
     *
     * @param env an environment map (e.g. {@code System.getenv()})
     * @return the configuration
     * @throws IllegalArgumentException naming the missing variable
     */
    public static LlmConfig fromEnvironment(Map<String, String> env) {
        String url = env.get("LCREC_LLM_URL");
        String model = env.get("LCREC_LLM_MODEL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    "environment variable LCREC_LLM_URL: expected the chat-completions base URL,"
                            + " found none");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(
                    "environment variable LCREC_LLM_MODEL: expected a model name, found none");
        }
        return builder(URI.create(url.trim()), model.trim())
                .apiKey(env.get("LCREC_LLM_KEY"))
                .allowPlainHttp("true".equalsIgnoreCase(env.get("LCREC_LLM_ALLOW_HTTP")))
                .build();
    }

    /**
     * @return the URL requests are posted to
     */
    public URI chatCompletionsUri() {
        String s = endpoint.toString();
        if (s.endsWith("/chat/completions")) {
            return endpoint;
        }
        return URI.create(s + (s.endsWith("/") ? "" : "/") + "chat/completions");
    }

    @Override
    public String toString() {
        return "LlmConfig(endpoint="
                + Secrets.uri(endpoint)
                + ", model="
                + model
                + ", apiKey="
                + (apiKey == null || apiKey.isEmpty() ? "none" : "***")
                + ", temperature="
                + temperature
                + ", maxTokens="
                + maxTokens
                + ", batchSize="
                + batchSize
                + ", maxAttempts="
                + maxAttempts
                + ", backoff="
                + initialBackoff.toMillis()
                + ".."
                + maxBackoff.toMillis()
                + " ms, timeout="
                + requestTimeout.toMillis()
                + " ms)";
    }

    /** Builds an {@link LlmConfig}. */
    public static final class Builder {
        private final URI endpoint;
        private final String model;
        private String apiKey;
        private double temperature = 0.4;
        private int maxTokens = 512;
        private int batchSize = 8;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(120);
        private boolean allowPlainHttp;

        private Builder(URI endpoint, String model) {
            this.endpoint = endpoint;
            this.model = model;
        }

        /**
         * @param value the bearer key, or null
         * @return this builder
         */
        public Builder apiKey(String value) {
            this.apiKey = value == null || value.isBlank() ? null : value.trim();
            return this;
        }

        /**
         * @param value the temperature
         * @return this builder
         */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /**
         * @param value the answer length cap
         * @return this builder
         */
        public Builder maxTokens(int value) {
            this.maxTokens = value;
            return this;
        }

        /**
         * @param value requests in flight at once
         * @return this builder
         */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /**
         * @param value tries per request
         * @return this builder
         */
        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /**
         * @param initial the first retry wait
         * @param max the cap
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param value timeout of one request
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /**
         * @param value whether {@code http://} to a non-loopback host is allowed (default false)
         * @return this
         */
        public Builder allowPlainHttp(boolean value) {
            allowPlainHttp = value;
            return this;
        }

        /**
         * @return the configuration
         */
        public LlmConfig build() {
            return new LlmConfig(
                    endpoint,
                    model,
                    apiKey,
                    temperature,
                    maxTokens,
                    batchSize,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    requestTimeout,
                    allowPlainHttp);
        }
    }
}
