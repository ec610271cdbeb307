package org.lcrec.tasks.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A minimal client of an OpenAI-compatible {@code POST /chat/completions} endpoint on {@code
 * java.net.http}: one system and one user message, the first choice's message content as answer.
 *
 * <p>Retries (up to {@link LlmConfig#maxAttempts()} tries) on HTTP 408, 429 and 5xx, on I/O errors
 * and timeouts, and on answers the caller's parser rejects; waits {@link
 * LlmConfig#initialBackoff()} doubled per retry, capped at {@link LlmConfig#maxBackoff()}, or the
 * server's {@code Retry-After} seconds when given. Other statuses (400, 401, 403, 404, ...) fail at
 * once: retrying cannot fix a wrong key or model.
 *
 * @implNote thread-safe; one {@link HttpClient} is shared by all calls.
 */
public final class ChatClient {
    private static final System.Logger LOG = System.getLogger(ChatClient.class.getName());

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Waits between retries (replaced in tests). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final LlmConfig config;
    private final URI uri;

    /** The endpoint as messages show it: user-info and key-like query values masked. */
    private final String shown;

    private final HttpClient http;
    private final Sleeper sleeper;
    private final AtomicLong sent = new AtomicLong();

    /**
     * @param config the endpoint and policies
     */
    public ChatClient(LlmConfig config) {
        this(config, d -> Thread.sleep(d.toMillis()));
    }

    ChatClient(LlmConfig config, Sleeper sleeper) {
        this.config = Objects.requireNonNull(config, "config");
        this.uri = config.chatCompletionsUri();
        this.shown = Secrets.uri(uri);
        this.sleeper = sleeper;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(config.requestTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
    }

    /**
     * @return the configuration
     */
    public LlmConfig config() {
        return config;
    }

    /**
     * @return HTTP requests sent so far (all attempts)
     */
    public long requestsSent() {
        return sent.get();
    }

    /**
     * Asks once (with retries) and parses the answer.
     *
     * @param system the system message
     * @param user the user message
     * @param parser checks the answer's shape; throws {@link MalformedAnswerException} to retry
     * @param <T> the parsed type
     * @return the raw answer and its parsed form
     * @throws LlmException naming the endpoint, the attempts and the last error when all tries
     *     fail, or at once on a non-retryable status
     */
    public <T> Answer<T> complete(String system, String user, Function<String, T> parser) {
        String body = requestBody(system, user);
        HttpRequest.Builder rb =
                HttpRequest.newBuilder(uri)
                        .timeout(config.requestTimeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (config.apiKey() != null) {
            rb.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpRequest request = rb.build();
        String lastError = "none";
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            Duration wait = backoff(attempt);
            try {
                sent.incrementAndGet();
                HttpResponse<String> resp =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = resp.statusCode();
                if (status >= 200 && status < 300) {
                    String content = content(resp.body());
                    return new Answer<>(content, parser.apply(content), attempt);
                }
                String excerpt = Secrets.text(excerpt(resp.body()), config.apiKey());
                if (status == 408 || status == 429 || status >= 500) {
                    lastError = "HTTP " + status + ": " + excerpt;
                    Duration after = retryAfter(resp);
                    if (after != null) {
                        wait = after;
                    }
                } else {
                    throw new LlmException(
                            shown + ": HTTP " + status + " (not retried): " + excerpt, true);
                }
            } catch (MalformedAnswerException e) {
                lastError = "malformed answer: " + Secrets.text(e.getMessage(), config.apiKey());
            } catch (IOException e) {
                lastError =
                        e.getClass().getSimpleName()
                                + ": "
                                + Secrets.text(e.getMessage(), config.apiKey());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmException(shown + ": interrupted", e);
            }
            if (attempt < config.maxAttempts()) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LlmException(shown + ": interrupted while backing off", e);
                }
            }
        }
        throw new LlmException(
                shown
                        + ": gave up after "
                        + config.maxAttempts()
                        + " attempts; last error: "
                        + lastError,
                false);
    }

    /** The wait before retry number {@code attempt} (1-based): initial × 2^(attempt-1), capped. */
    Duration backoff(int attempt) {
        long ms = config.initialBackoff().toMillis();
        for (int i = 1; i < attempt && ms < config.maxBackoff().toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, config.maxBackoff().toMillis()));
    }

    private Duration retryAfter(HttpResponse<?> resp) {
        String v = resp.headers().firstValue("Retry-After").orElse(null);
        if (v == null) {
            return null;
        }
        try {
            long s = Long.parseLong(v.trim());
            Duration d = Duration.ofSeconds(Math.max(0, s));
            return d.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : d;
        } catch (NumberFormatException e) {
            // an HTTP date: fall back to our own backoff
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "Retry-After \"{0}\" is not a number of seconds; using the backoff",
                    v);
            return null;
        }
    }

    String requestBody(String system, String user) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", config.model());
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        root.put("temperature", config.temperature());
        root.put("max_tokens", config.maxTokens());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise request", e);
        }
    }

    /** The first choice's message content; a malformed body is a malformed answer (retried). */
    static String content(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException(
                    "expected a chat-completions JSON body, found \"" + excerpt(body) + "\"");
        }
        JsonNode content =
                root == null ? null : root.path("choices").path(0).path("message").get("content");
        if (content == null || !content.isTextual()) {
            throw new MalformedAnswerException(
                    "expected choices[0].message.content to be a string, found \""
                            + excerpt(body)
                            + "\"");
        }
        return content.textValue();
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip().replace('\n', ' ');
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    @Override
    public String toString() {
        return "ChatClient(" + shown + ", model=" + config.model() + ")";
    }

    /**
     * A successful answer.
     *
     * @param raw the message content as received
     * @param parsed its parsed form
     * @param attempts tries it took
     * @param <T> the parsed type
     */
    public record Answer<T>(String raw, T parsed, int attempts) {}
}
