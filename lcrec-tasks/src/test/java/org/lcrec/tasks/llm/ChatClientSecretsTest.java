package org.lcrec.tasks.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Credentials never appear in what the LLM client prints, and never cross plain http. */
class ChatClientSecretsTest {
    private static final String KEY = "sk-abcdefghijkl0123";

    @Test
    void toStringMasksUserInfoKeyLikeQueryValuesAndTheKey() {
        LlmConfig c =
                LlmConfig.builder(
                                URI.create(
                                        "https://alice:pa55word@llm.example.com/v1?api_key=SECRET123&x=1"),
                                "m")
                        .apiKey(KEY)
                        .build();
        String shown = c.toString() + " " + new ChatClient(c);
        assertThat(shown)
                .doesNotContain("pa55word", "alice", "SECRET123", KEY)
                .contains("***@llm.example.com", "api_key=***", "x=1", "apiKey=***");
    }

    @Test
    void plainHttpGoesOnlyToThisMachineUnlessAllowed() {
        assertThatThrownBy(
                        () ->
                                LlmConfig.builder(URI.create("http://llm.example.com/v1"), "m")
                                        .apiKey(KEY)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://llm.example.com/v1")
                .hasMessageContaining("unencrypted")
                .hasMessageContaining("allowPlainHttp");
        assertThat(
                        LlmConfig.builder(URI.create("http://llm.example.com/v1"), "m")
                                .allowPlainHttp(true)
                                .build()
                                .allowPlainHttp())
                .isTrue();
        for (String local :
                new String[] {
                    "http://localhost:8000/v1", "http://127.0.0.1/v1", "http://[::1]:9/v1"
                }) {
            assertThat(LlmConfig.builder(URI.create(local), "m").build().endpoint())
                    .hasToString(local);
        }
        assertThat(
                        LlmConfig.fromEnvironment(
                                        java.util.Map.of(
                                                "LCREC_LLM_URL", "http://10.0.0.5/v1",
                                                "LCREC_LLM_MODEL", "m",
                                                "LCREC_LLM_ALLOW_HTTP", "true"))
                                .allowPlainHttp())
                .isTrue();
    }

    @Test
    void errorsMaskTheEndpointsSecretsAndWhatTheServerEchoes() throws Exception {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                ex -> {
                    String auth = ex.getRequestHeaders().getFirst("Authorization");
                    byte[] body =
                            ("{\"error\": \"invalid key for " + auth + " (api_key=" + KEY + ")\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(401, body.length);
                    ex.getResponseBody().write(body);
                    ex.close();
                });
        server.start();
        try {
            int port = server.getAddress().getPort();
            LlmConfig c =
                    LlmConfig.builder(
                                    URI.create(
                                            "http://bob:hunter22@127.0.0.1:"
                                                    + port
                                                    + "/v1?token=T0KEN99"),
                                    "m")
                            .apiKey(KEY)
                            .maxAttempts(1)
                            .backoff(Duration.ZERO, Duration.ZERO)
                            .build();
            ChatClient client = new ChatClient(c, d -> {});
            assertThatThrownBy(() -> client.complete("s", "u", a -> a))
                    .isInstanceOf(LlmException.class)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("invalid key")
                    .satisfies(
                            e ->
                                    assertThat(e.getMessage())
                                            .doesNotContain(KEY, "hunter22", "bob", "T0KEN99")
                                            .contains("***"));
        } finally {
            server.stop(0);
        }
    }

    /**
     * 408 and 429 are retried after the backoff or the server's Retry-After (capped), a request
     * that outlives its timeout is retried, and the waits are what the policy says: the sleeper is
     * a fake clock that records them.
     */
    @Test
    void retryAfterStatusAndTimeoutPathsFollowThePolicy() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls =
                new java.util.concurrent.atomic.AtomicInteger();
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext(
                "/",
                ex -> {
                    int n = calls.incrementAndGet();
                    byte[] ok =
                            "{\"choices\": [{\"message\": {\"content\": \"fine\"}}]}"
                                    .getBytes(StandardCharsets.UTF_8);
                    if (n == 1) {
                        ex.sendResponseHeaders(408, -1);
                    } else if (n == 2) {
                        ex.getResponseHeaders().add("Retry-After", "7");
                        ex.sendResponseHeaders(429, -1);
                    } else if (n == 3) {
                        ex.getResponseHeaders().add("Retry-After", "3600");
                        ex.sendResponseHeaders(503, -1);
                    } else if (n == 4) {
                        try {
                            Thread.sleep(1500); // past the request timeout
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ex.sendResponseHeaders(200, ok.length);
                        ex.getResponseBody().write(ok);
                    } else {
                        ex.sendResponseHeaders(200, ok.length);
                        ex.getResponseBody().write(ok);
                    }
                    ex.close();
                });
        server.start();
        try {
            LlmConfig c =
                    LlmConfig.builder(
                                    URI.create(
                                            "http://127.0.0.1:"
                                                    + server.getAddress().getPort()
                                                    + "/v1"),
                                    "m")
                            .maxAttempts(5)
                            .backoff(Duration.ofSeconds(2), Duration.ofSeconds(60))
                            .requestTimeout(Duration.ofMillis(300))
                            .build();
            java.util.List<Duration> waits = new java.util.ArrayList<>();
            ChatClient client = new ChatClient(c, waits::add);
            ChatClient.Answer<String> a = client.complete("s", "u", x -> x);
            assertThat(a.raw()).isEqualTo("fine");
            assertThat(a.attempts()).isEqualTo(5);
            // 408: the backoff (2 s); 429: Retry-After 7 s; 503: Retry-After capped at 60 s;
            // timeout: the backoff of attempt 4 (2 s doubled three times: 16 s)
            assertThat(waits)
                    .containsExactly(
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(7),
                            Duration.ofSeconds(60),
                            Duration.ofSeconds(16));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void echoedKeyShapesAreMasked() {
        assertThat(Secrets.text("Bearer abcdef123456 then sk-ZZZZZZZZZZZZ", null))
                .isEqualTo("Bearer *** then ***");
        assertThat(Secrets.text("{\"api_key\": \"q1w2e3r4\", \"n\": 5}", null))
                .isEqualTo("{\"api_key\": \"***\", \"n\": 5}");
        assertThat(Secrets.text("nothing secret here", "sk-abc")).isEqualTo("nothing secret here");
    }
}
