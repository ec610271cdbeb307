package org.lcrec.tasks.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.DatasetException;
import org.lcrec.tasks.JsonStrings;

/**
 * The resumable cache of finished answers: an append-only JSON Lines journal.
 *
 * <pre>{@code
 * {"format":"lcrec-llm-cache","version":1}
 * {"key":"17/preference","hash":"9f2c...","answer":"..."}
 * }</pre>
 *
 * Each finished batch is appended and flushed, so a crash or a rate limit loses at most the batch
 * in flight. Unlike the SDK's other files this one is appended in place rather than replaced
 * atomically: rewriting it per batch would cost O(n²). A torn last line (a crash mid-write) is
 * dropped when the file is opened again; a damaged line elsewhere is an error naming the line. An
 * entry is reused only when its {@code hash} (of model and prompt) matches the request, so changing
 * the prompt or the model never reuses stale answers.
 */
final class AnswerCache implements Closeable {
    static final String FORMAT = "lcrec-llm-cache";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, String[]> entries = new HashMap<>();
    private final BufferedWriter out;
    private int droppedTornLine;

    private AnswerCache(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file) && Files.size(file) > 0) {
            read();
        } else {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(
                    file,
                    "{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + "}\n",
                    StandardCharsets.UTF_8);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * @param file the cache file (created with its header if missing)
     * @return the open cache
     * @throws DatasetException naming the file and line if it is damaged
     */
    static AnswerCache open(Path file) {
        try {
            return new AnswerCache(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open LLM cache " + file + ": " + e, e);
        }
    }

    private void read() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int lastNewline = text.lastIndexOf('\n');
        if (lastNewline < text.length() - 1) {
            // a torn last line: keep everything up to the last complete line
            long keep =
                    lastNewline < 0
                            ? 0
                            : text.substring(0, lastNewline + 1)
                                    .getBytes(StandardCharsets.UTF_8)
                                    .length;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
            text = text.substring(0, lastNewline + 1);
            droppedTornLine = 1;
        }
        List<String> lines = text.lines().toList();
        if (lines.isEmpty()) {
            throw new DatasetException(file + ": line 1: expected the cache header, found nothing");
        }
        JsonNode header = parse(lines.get(0), 1);
        if (!FORMAT.equals(header.path("format").asText())
                || header.path("version").asInt(-1) != VERSION) {
            throw new DatasetException(
                    file
                            + ": line 1: expected {\"format\":\""
                            + FORMAT
                            + "\",\"version\":"
                            + VERSION
                            + "}, found "
                            + lines.get(0));
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = parse(line, i + 1);
            JsonNode key = e.get("key");
            JsonNode hash = e.get("hash");
            JsonNode answer = e.get("answer");
            if (key == null
                    || !key.isTextual()
                    || hash == null
                    || !hash.isTextual()
                    || answer == null
                    || !answer.isTextual()) {
                throw new DatasetException(
                        file
                                + ": line "
                                + (i + 1)
                                + ": expected string fields key, hash and answer, found "
                                + line);
            }
            entries.put(key.textValue(), new String[] {hash.textValue(), answer.textValue()});
        }
    }

    private JsonNode parse(String line, int number) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetException(
                    file + ": line " + number + ": expected a JSON object, found " + line, e);
        }
    }

    /**
     * @param key the request key
     * @param hash the request hash
     * @return the cached answer when key and hash match, else null
     */
    synchronized String get(String key, String hash) {
        String[] e = entries.get(key);
        return e != null && e[0].equals(hash) ? e[1] : null;
    }

    /** Appends an answer (buffered until {@link #flush()}). */
    synchronized void put(String key, String hash, String answer) throws IOException {
        entries.put(key, new String[] {hash, answer});
        StringBuilder sb = new StringBuilder(answer.length() + 80);
        sb.append("{\"key\":");
        JsonStrings.appendQuoted(sb, key);
        sb.append(",\"hash\":");
        JsonStrings.appendQuoted(sb, hash);
        sb.append(",\"answer\":");
        JsonStrings.appendQuoted(sb, answer);
        sb.append("}\n");
        out.append(sb);
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    int size() {
        return entries.size();
    }

    int droppedTornLines() {
        return droppedTornLine;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
