package org.lcrec.tasks.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetException;
import org.lcrec.core.Interactions;
import org.lcrec.core.Item;
import org.lcrec.core.TextCleaner;
import org.lcrec.core.UserProfiles;
import org.lcrec.core.io.LcRecFiles;

/**
 * Writes the per-user texts of LC-Rec's {@code .user.json} with a chat model: for each user with at
 * least four items, four requests (prompts written for this project, after LC-Rec's {@code
 * get_llm_output.py}):
 *
 * <ol>
 *   <li>{@code preference}: a third-person summary of the preferences behind the history {@code
 *       items[:-3]} (last 20 titles, numbered);
 *   <li>{@code terms}: long-term and short-term preferences, two labelled lines;
 *   <li>{@code intent-train}: for the last training item {@code items[-3]}, a first-person
 *       intention ("My preferences:") and the item's characteristics, without naming it;
 *   <li>{@code intent-test}: the same for the test item {@code items[-1]}.
 * </ol>
 *
 * LC-Rec's intention prompt also shows the user's review; reviews are not part of the SDK's
 * datasets, so the item's description is shown instead. The result is {@link UserProfiles} with
 * preferences {@code [summary, long-term, short-term]} and intentions {@code [user-related,
 * item-related]} (train: history {@code items[:-3]}; test: {@code items[:-1]}), exactly what
 * itemsearch and preferenceobtain read. A user with any failed request is left out and listed.
 *
 * @implNote requests run {@link LlmConfig#batchSize()} at a time on a pool created per call and
 *     shut down in {@code finally}; each finished batch goes to the {@link AnswerCache} before the
 *     next starts, so rerunning after a crash sends only what is missing.
 */
public final class UserTextGenerator {
    /** The system message of every request. */
    static final String SYSTEM =
            "You analyse shoppers' purchase histories and describe their tastes accurately and"
                    + " concisely.";

    static final String LONG_TERM = "Long-term preferences";
    static final String SHORT_TERM = "Short-term preferences";
    static final String MY_PREFERENCES = "My preferences";
    static final String CHARACTERISTICS = "The item's characteristics";

    /** History titles shown per prompt (LC-Rec keeps the last 20). */
    static final int MAX_TITLES = 20;

    /** Description characters shown in intention prompts. */
    static final int MAX_DESCRIPTION = 600;

    private final ChatClient client;
    private final String category;

    /**
     * @param config the endpoint
     * @param category what the items are, in words (e.g. {@code "musical instruments"})
     */
    public UserTextGenerator(LlmConfig config, String category) {
        this(new ChatClient(config), category);
    }

    UserTextGenerator(ChatClient client, String category) {
        this.client = Objects.requireNonNull(client, "client");
        if (category == null || category.isBlank()) {
            throw new IllegalArgumentException(
                    "category: expected the items' kind in words, found none");
        }
        this.category = category.strip();
    }

    /**
     * What a run produced.
     *
     * @param profiles the users whose four answers all succeeded
     * @param eligibleUsers users with at least four items (those asked about)
     * @param requestsSent HTTP requests sent in this run, retries included
     * @param answersFromCache answers reused from the cache file
     * @param failedUsers user → why it is missing
     */
    public record Result(
            UserProfiles profiles,
            int eligibleUsers,
            long requestsSent,
            int answersFromCache,
            Map<String, String> failedUsers) {
        /** Copies the map. */
        public Result {
            failedUsers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failedUsers));
        }

        @Override
        public String toString() {
            return "UserTextGenerator.Result(users="
                    + profiles.preferences().size()
                    + " of "
                    + eligibleUsers
                    + ", requestsSent="
                    + requestsSent
                    + ", fromCache="
                    + answersFromCache
                    + ", failed="
                    + failedUsers.size()
                    + ")";
        }
    }

    /**
     * Generates texts for the first {@code maxUsers} eligible users (0 = all).
     *
     * @param data a dataset with item titles
     * @param cacheFile the resumable cache (created if missing)
     * @param maxUsers how many users to cover (0 = all)
     * @return the profiles and counts
     * @throws DatasetException if the dataset has no item titles
     * @throws LlmException if the endpoint rejects requests outright (e.g. HTTP 401); finished
     *     answers stay in the cache
     */
    public Result generate(Dataset data, Path cacheFile, int maxUsers) {
        if (data.items().itemsWithText() == 0) {
            throw new DatasetException(
                    "user texts need item titles, but dataset "
                            + data.name()
                            + " has none (0 of "
                            + data.items().size()
                            + " items have text)");
        }
        Interactions inter = data.interactions();
        long sentBefore = client.requestsSent();
        Map<String, String[]> answers = new LinkedHashMap<>(); // user -> 4 raw answers
        Map<String, String> failed = new LinkedHashMap<>();
        List<Request> batch = new ArrayList<>();
        int fromCache = 0;
        int eligible = 0;
        ExecutorService pool = Executors.newFixedThreadPool(client.config().batchSize());
        try (AnswerCache cache = AnswerCache.open(cacheFile)) {
            for (int r = 0; r < inter.userCount(); r++) {
                if (maxUsers > 0 && eligible >= maxUsers) {
                    break;
                }
                int[] seq = inter.sequence(r);
                if (seq.length < 4) {
                    continue;
                }
                eligible++;
                String user = inter.user(r);
                answers.put(user, new String[Kind.values().length]);
                for (Kind kind : Kind.values()) {
                    Request q = request(data, user, seq, kind);
                    String hit = cache.get(q.key, q.hash);
                    if (hit != null && valid(q, hit)) {
                        answers.get(user)[kind.ordinal()] = hit;
                        fromCache++;
                        continue;
                    }
                    batch.add(q);
                    if (batch.size() >= client.config().batchSize()) {
                        run(batch, pool, cache, answers, failed);
                    }
                }
            }
            run(batch, pool, cache, answers, failed);
        } catch (IOException e) {
            throw new UncheckedIOException("LLM cache " + cacheFile + ": " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        Map<String, List<String>> prefs = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> train = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> test = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : answers.entrySet()) {
            String user = e.getKey();
            String[] a = e.getValue();
            if (failed.containsKey(user) || Arrays.asList(a).contains(null)) {
                failed.putIfAbsent(user, "incomplete answers");
                continue;
            }
            int[] seq = inter.sequence(user);
            List<String> terms = AnswerParsers.labelled(a[1], LONG_TERM, SHORT_TERM);
            prefs.put(user, List.of(AnswerParsers.summary(a[0]), terms.get(0), terms.get(1)));
            train.put(
                    user,
                    new UserProfiles.Intention(
                            seq[seq.length - 3],
                            Arrays.copyOf(seq, seq.length - 3),
                            AnswerParsers.labelled(a[2], MY_PREFERENCES, CHARACTERISTICS)));
            test.put(
                    user,
                    new UserProfiles.Intention(
                            seq[seq.length - 1],
                            Arrays.copyOf(seq, seq.length - 1),
                            AnswerParsers.labelled(a[3], MY_PREFERENCES, CHARACTERISTICS)));
        }
        return new Result(
                new UserProfiles(prefs, train, test),
                eligible,
                client.requestsSent() - sentBefore,
                fromCache,
                failed);
    }

    /**
     * Generates and writes {@code <dir>/<name>.user.json} (atomically).
     *
     * @param data a dataset with item titles
     * @param cacheFile the resumable cache
     * @param maxUsers how many users (0 = all)
     * @param target the user.json to write
     * @return the run's result
     */
    public Result generateAndWrite(Dataset data, Path cacheFile, int maxUsers, Path target) {
        Result r = generate(data, cacheFile, maxUsers);
        LcRecFiles.writeUsers(target, r.profiles());
        return r;
    }

    private void run(
            List<Request> batch,
            ExecutorService pool,
            AnswerCache cache,
            Map<String, String[]> answers,
            Map<String, String> failed)
            throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<Future<ChatClient.Answer<Object>>> futures = new ArrayList<>(batch.size());
        for (Request q : batch) {
            futures.add(pool.submit(() -> client.complete(SYSTEM, q.prompt, q.parser)));
        }
        LlmException fatal = null;
        for (int i = 0; i < batch.size(); i++) {
            Request q = batch.get(i);
            try {
                ChatClient.Answer<Object> a = futures.get(i).get();
                cache.put(q.key, q.hash, a.raw());
                answers.get(q.user)[q.kind.ordinal()] = a.raw();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof LlmException le && le.fatal()) {
                    fatal = fatal == null ? le : fatal;
                } else {
                    failed.putIfAbsent(q.user, q.kind.id + ": " + c.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cache.flush();
                throw new LlmException("interrupted while waiting for answers", e);
            }
        }
        cache.flush();
        batch.clear();
        if (fatal != null) {
            throw fatal;
        }
    }

    private static boolean valid(Request q, String answer) {
        try {
            q.parser.apply(answer);
            return true;
        } catch (MalformedAnswerException e) {
            return false;
        }
    }

    /** The four requests per user. */
    enum Kind {
        PREFERENCE("preference"),
        TERMS("terms"),
        INTENT_TRAIN("intent-train"),
        INTENT_TEST("intent-test");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    private static final class Request {
        final String user;
        final Kind kind;
        final String key;
        final String prompt;
        final String hash;
        final Function<String, Object> parser;

        Request(String user, Kind kind, String prompt, String model, Function<String, Object> p) {
            this.user = user;
            this.kind = kind;
            this.key = user + "/" + kind.id;
            this.prompt = prompt;
            this.hash = sha256(model + "\n" + SYSTEM + "\n" + prompt);
            this.parser = p;
        }
    }

    private Request request(Dataset data, String user, int[] seq, Kind kind) {
        String model = client.config().model();
        return switch (kind) {
            case PREFERENCE ->
                    new Request(
                            user, kind, preferencePrompt(data, seq), model, AnswerParsers::summary);
            case TERMS ->
                    new Request(
                            user,
                            kind,
                            termsPrompt(data, seq),
                            model,
                            a -> AnswerParsers.labelled(a, LONG_TERM, SHORT_TERM));
            case INTENT_TRAIN, INTENT_TEST -> {
                int target = seq[kind == Kind.INTENT_TRAIN ? seq.length - 3 : seq.length - 1];
                Item item = data.items().get(target);
                String title = TextCleaner.cleanTitle(item.title());
                yield new Request(
                        user,
                        kind,
                        intentionPrompt(title, TextCleaner.clean(item.description())),
                        model,
                        a -> {
                            List<String> v =
                                    AnswerParsers.labelled(a, MY_PREFERENCES, CHARACTERISTICS);
                            for (String s : v) {
                                if (AnswerParsers.mentions(s, title)) {
                                    throw new MalformedAnswerException(
                                            "expected an intention that does not name the item,"
                                                    + " found its title \""
                                                    + title
                                                    + "\"");
                                }
                            }
                            return v;
                        });
            }
        };
    }

    private String history(Dataset data, int[] seq) {
        int end = seq.length - 3;
        int from = Math.max(0, end - MAX_TITLES);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int i = from; i < end; i++) {
            String t = TextCleaner.cleanTitle(data.items().get(seq[i]).title());
            if (!t.isEmpty()) {
                sb.append(++n).append(". ").append(t).append('\n');
            }
        }
        if (n == 0) {
            sb.append("(no titles known)\n");
        }
        return sb.toString();
    }

    String preferencePrompt(Dataset data, int[] seq) {
        return "A shopper bought these "
                + category
                + " products, oldest first:\n"
                + history(data, seq)
                + "In two or three sentences, written in the third person, summarise what this"
                + " shopper likes. Do not list the products.";
    }

    String termsPrompt(Dataset data, int[] seq) {
        return "A shopper bought these "
                + category
                + " products, oldest first:\n"
                + history(data, seq)
                + "Describe this shopper's long-term preferences (stable interests across the"
                + " whole history) and short-term preferences (interests shown by the most recent"
                + " products). Answer with exactly two lines and nothing else:\n"
                + LONG_TERM
                + ": ...\n"
                + SHORT_TERM
                + ": ...";
    }

    String intentionPrompt(String title, String description) {
        String d =
                description.length() <= MAX_DESCRIPTION
                        ? description
                        : description.substring(0, MAX_DESCRIPTION) + "...";
        return "A shopper is about to buy this "
                + category
                + " product.\nTitle: "
                + title
                + (d.isEmpty() ? "" : "\nDescription: " + d)
                + "\nImagine you are the shopper. Without naming the product or its brand, say in"
                + " the first person what you are looking for, and list the characteristics the"
                + " item you need should have. Answer with exactly two lines and nothing else:\n"
                + MY_PREFERENCES
                + ": ...\n"
                + CHARACTERISTICS
                + ": ...";
    }

    static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of()
                    .formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "UserTextGenerator(" + client + ", category=" + category + ")";
    }
}
