package org.lcrec.tasks.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetException;
import org.lcrec.core.Interactions;
import org.lcrec.core.SyntheticDataset;
import org.lcrec.core.UserProfiles;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.tasks.Sample;
import org.lcrec.tasks.TaskGenerator;
import org.lcrec.tasks.TaskType;

/** Runs against a chat-completions server on 127.0.0.1 started by the test. */
class UserTextGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Dataset DATA = SyntheticDataset.defaults().withSize(12, 60).generate();

    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> auth = Collections.synchronizedList(new ArrayList<>());

    /** How the fake server answers: (request number from 1, prompt) → response. */
    private record Reply(int status, String content, String retryAfter, boolean raw) {
        Reply(int status, String content, String retryAfter) {
            this(status, content, retryAfter, status != 200);
        }

        static Reply ok(String content) {
            return new Reply(200, content, null);
        }
    }

    private URI start(Function<Integer, Function<String, Reply>> behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext(
                "/v1/chat/completions",
                ex -> {
                    int n = hits.incrementAndGet();
                    JsonNode body = JSON.readTree(ex.getRequestBody());
                    bodies.add(body);
                    auth.add(ex.getRequestHeaders().getFirst("Authorization"));
                    String prompt = body.path("messages").path(1).path("content").asText();
                    Reply r = behaviour.apply(n).apply(prompt);
                    String out;
                    if (!r.raw) {
                        out =
                                JSON.createObjectNode()
                                        .set(
                                                "choices",
                                                JSON.createArrayNode()
                                                        .add(
                                                                JSON.createObjectNode()
                                                                        .set(
                                                                                "message",
                                                                                JSON.createObjectNode()
                                                                                        .put(
                                                                                                "role",
                                                                                                "assistant")
                                                                                        .put(
                                                                                                "content",
                                                                                                r.content))))
                                        .toString();
                    } else {
                        out = r.content;
                    }
                    if (r.retryAfter != null) {
                        ex.getResponseHeaders().add("Retry-After", r.retryAfter);
                    }
                    send(ex, r.status, out);
                });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    /** A well-behaved model: answers in the shape each prompt asks for. */
    static Reply good(String prompt) {
        if (prompt.contains("Long-term preferences: ...")) {
            return Reply.ok("Long-term preferences: stable gear\nShort-term preferences: new toys");
        }
        if (prompt.contains("My preferences: ...")) {
            return Reply.ok(
                    "My preferences: I want something \"quiet\"\n"
                            + "The item's characteristics: small, sturdy");
        }
        return Reply.ok("This shopper likes sturdy, well-made gear.");
    }

    private LlmConfig config(URI uri, int attempts) {
        return LlmConfig.builder(uri, "test-model")
                .apiKey("sk-test")
                .batchSize(3)
                .maxAttempts(attempts)
                .backoff(Duration.ZERO, Duration.ofMillis(5))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static int eligible() {
        Interactions in = DATA.interactions();
        int n = 0;
        for (int r = 0; r < in.userCount(); r++) {
            n += in.length(r) >= 4 ? 1 : 0;
        }
        return n;
    }

    @Test
    void generatesProfilesThatTheUserTextTasksCanUse(@TempDir Path dir) throws Exception {
        URI uri = start(n -> UserTextGeneratorTest::good);
        UserTextGenerator g = new UserTextGenerator(config(uri, 3), "musical instruments");
        Path users = dir.resolve("Synthetic.user.json");
        UserTextGenerator.Result r = g.generateAndWrite(DATA, dir.resolve("cache.jsonl"), 0, users);
        int users0 = eligible();
        assertThat(r.eligibleUsers()).isEqualTo(users0);
        assertThat(r.requestsSent()).isEqualTo(4L * users0);
        assertThat(hits.get()).isEqualTo(4 * users0);
        assertThat(r.failedUsers()).isEmpty();
        // the request is a proper chat-completions body with model, messages and the key
        JsonNode b = bodies.get(0);
        assertThat(b.get("model").asText()).isEqualTo("test-model");
        assertThat(b.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(b.get("temperature").asDouble()).isEqualTo(0.4);
        assertThat(auth).containsOnly("Bearer sk-test");

        UserProfiles p = LcRecFiles.readUsers(users);
        String u0 = DATA.interactions().user(0);
        int[] seq = DATA.interactions().sequence(0);
        assertThat(p.preferences().get(u0))
                .containsExactly(
                        "This shopper likes sturdy, well-made gear.", "stable gear", "new toys");
        UserProfiles.Intention train = p.trainIntentions().get(u0);
        assertThat(train.item()).isEqualTo(seq[seq.length - 3]);
        assertThat(train.history()).hasSize(seq.length - 3);
        assertThat(train.queries()).containsExactly("I want something \"quiet\"", "small, sturdy");
        assertThat(p.testIntentions().get(u0).item()).isEqualTo(seq[seq.length - 1]);

        // the tasks now work on the dataset with these texts
        Dataset withUsers =
                new Dataset(DATA.name(), DATA.items(), DATA.interactions(), DATA.index(), p, null);
        List<Sample> s =
                TaskGenerator.of(withUsers).stream(
                                TaskType.PREFERENCEOBTAIN, org.lcrec.core.Split.TRAIN)
                        .toList();
        assertThat(s).hasSize(users0);
    }

    @Test
    void retriesRateLimitsServerErrorsAndMalformedAnswers(@TempDir Path dir) throws Exception {
        URI uri =
                start(
                        n ->
                                prompt -> {
                                    if (n == 1) {
                                        return new Reply(429, "{\"error\":\"slow down\"}", "0");
                                    }
                                    if (n == 2) {
                                        return new Reply(503, "overloaded", null);
                                    }
                                    if (n == 3) {
                                        return new Reply(200, "not json at all", null, true);
                                    }
                                    if (n == 4 && prompt.contains("My preferences: ...")) {
                                        return Reply.ok("Sure! Here is my answer.");
                                    }
                                    if (n == 4) {
                                        return Reply.ok("  ");
                                    }
                                    return good(prompt);
                                });
        UserTextGenerator g =
                new UserTextGenerator(
                        new ChatClient(config(uri, 6), d -> {}), "musical instruments");
        UserTextGenerator.Result r = g.generate(DATA, dir.resolve("c.jsonl"), 2);
        assertThat(r.failedUsers()).isEmpty();
        assertThat(r.profiles().preferences()).hasSize(2);
        // 8 requests succeed; 4 extra attempts (429, 503, bad JSON, malformed answer)
        assertThat(r.requestsSent()).isEqualTo(8 + 4);
    }

    @Test
    void aUserWhoseAnswersStayMalformedIsListedAndTheOthersSucceed(@TempDir Path dir)
            throws Exception {
        URI uri =
                start(
                        n ->
                                prompt ->
                                        prompt.contains("My preferences: ...")
                                                        && bodies.size() > 0
                                                        && prompt.contains(
                                                                titleOfFirstTrainTarget())
                                                ? Reply.ok("I refuse to use the format.")
                                                : good(prompt));
        ChatClient client = new ChatClient(config(uri, 2), d -> {});
        UserTextGenerator.Result r =
                new UserTextGenerator(client, "musical instruments")
                        .generate(DATA, dir.resolve("c.jsonl"), 3);
        String u0 = DATA.interactions().user(0);
        assertThat(r.failedUsers()).containsKey(u0);
        assertThat(r.failedUsers().get(u0))
                .contains("intent-train")
                .contains("gave up after 2 attempts")
                .contains("expected the answer to start with \"My preferences:\"");
        assertThat(r.profiles().preferences()).doesNotContainKey(u0).hasSizeGreaterThan(0);
    }

    private static String titleOfFirstTrainTarget() {
        int[] seq = DATA.interactions().sequence(0);
        return org.lcrec.core.TextCleaner.cleanTitle(DATA.items().get(seq[seq.length - 3]).title());
    }

    @Test
    void resumesFromTheCacheAfterACrashAndSendsOnlyWhatIsMissing(@TempDir Path dir)
            throws Exception {
        int total = 4 * eligible();
        // first run: the server dies (500 forever) after 10 answers
        URI uri =
                start(
                        n ->
                                n <= 10
                                        ? UserTextGeneratorTest::good
                                        : p -> new Reply(500, "down", null));
        Path cache = dir.resolve("cache.jsonl");
        UserTextGenerator.Result first =
                new UserTextGenerator(new ChatClient(config(uri, 2), d -> {}), "instruments")
                        .generate(DATA, cache, 0);
        assertThat(first.failedUsers()).isNotEmpty();
        long cached = Files.readAllLines(cache).size() - 1;
        assertThat(cached).isEqualTo(10);
        // a crash mid-write leaves a torn line: it is dropped on reopening
        Files.writeString(cache, "{\"key\":\"9/pref", java.nio.file.StandardOpenOption.APPEND);
        stop();
        hits.set(0);
        URI uri2 = start(n -> UserTextGeneratorTest::good);
        UserTextGenerator.Result second =
                new UserTextGenerator(new ChatClient(config(uri2, 2), d -> {}), "instruments")
                        .generate(DATA, cache, 0);
        assertThat(second.failedUsers()).isEmpty();
        assertThat(second.answersFromCache()).isEqualTo(10);
        assertThat(second.requestsSent()).isEqualTo(total - 10);
        assertThat(hits.get()).isEqualTo(total - 10);
        assertThat(Files.readAllLines(cache)).hasSize(1 + total);
        // a third run sends nothing
        UserTextGenerator.Result third =
                new UserTextGenerator(new ChatClient(config(uri2, 2), d -> {}), "instruments")
                        .generate(DATA, cache, 0);
        assertThat(third.requestsSent()).isZero();
        assertThat(third.profiles()).isEqualTo(second.profiles());
        // another model means other prompts hashes: nothing is reused
        LlmConfig other =
                LlmConfig.builder(uri2, "other-model")
                        .maxAttempts(1)
                        .batchSize(2)
                        .backoff(Duration.ZERO, Duration.ZERO)
                        .build();
        assertThat(
                        new UserTextGenerator(new ChatClient(other, d -> {}), "instruments")
                                .generate(DATA, cache, 1)
                                .answersFromCache())
                .isZero();
    }

    @Test
    void aRejectedKeyStopsTheRunAtOnce(@TempDir Path dir) throws Exception {
        URI uri = start(n -> p -> new Reply(401, "{\"error\":\"invalid api key\"}", null));
        UserTextGenerator g =
                new UserTextGenerator(new ChatClient(config(uri, 5), d -> {}), "instruments");
        assertThatThrownBy(() -> g.generate(DATA, dir.resolve("c.jsonl"), 0))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("HTTP 401 (not retried)")
                .hasMessageContaining("invalid api key")
                .hasMessageContaining("127.0.0.1");
        // one batch of 3 requests, no retries
        assertThat(hits.get()).isEqualTo(3);
    }

    @Test
    void damagedCacheAndBadConfigAreClearErrors(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("c.jsonl");
        Files.writeString(cache, "{\"format\":\"lcrec-llm-cache\",\"version\":9}\n");
        URI uri = start(n -> UserTextGeneratorTest::good);
        UserTextGenerator g = new UserTextGenerator(config(uri, 1), "instruments");
        assertThatThrownBy(() -> g.generate(DATA, cache, 1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("c.jsonl: line 1: expected {\"format\":\"lcrec-llm-cache\"");
        Files.writeString(
                cache,
                "{\"format\":\"lcrec-llm-cache\",\"version\":1}\n{\"key\":\"1/terms\"}\n{}\n");
        assertThatThrownBy(() -> g.generate(DATA, cache, 1))
                .hasMessageContaining(
                        "c.jsonl: line 2: expected string fields key, hash and answer");
        assertThatThrownBy(() -> LlmConfig.builder(URI.create("ftp://x"), "m").build())
                .hasMessageContaining("expected an http(s) URL");
        assertThatThrownBy(() -> LlmConfig.fromEnvironment(java.util.Map.of()))
                .hasMessageContaining("LCREC_LLM_URL");
        LlmConfig c =
                LlmConfig.fromEnvironment(
                        java.util.Map.of(
                                "LCREC_LLM_URL", "https://h/v1/",
                                "LCREC_LLM_MODEL", "m",
                                "LCREC_LLM_KEY", "secret"));
        assertThat(c.chatCompletionsUri()).isEqualTo(URI.create("https://h/v1/chat/completions"));
        assertThat(c.toString()).doesNotContain("secret").contains("apiKey=***");
        Dataset noText =
                new Dataset(
                        "NoText",
                        org.lcrec.core.ItemCatalog.ofIds(DATA.items().size()),
                        DATA.interactions(),
                        null,
                        null,
                        null);
        assertThatThrownBy(() -> g.generate(noText, dir.resolve("d.jsonl"), 1))
                .hasMessageContaining("user texts need item titles");
    }

    @Test
    void backoffDoublesUpToTheCap() {
        LlmConfig c =
                LlmConfig.builder(URI.create("http://127.0.0.1:9/v1"), "m")
                        .backoff(Duration.ofMillis(100), Duration.ofMillis(700))
                        .build();
        ChatClient client = new ChatClient(c, d -> {});
        assertThat(client.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(client.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(client.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(client.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(client.backoff(30)).isEqualTo(Duration.ofMillis(700));
    }
}
