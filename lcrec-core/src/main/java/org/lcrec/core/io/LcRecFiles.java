package org.lcrec.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.DatasetException;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.Interactions;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UserProfiles;

/**
 * Readers and writers for the single files of an LC-Rec dataset directory. Readers stream with
 * Jackson's parser (Instruments' 3.3 MB {@code inter.json} reads in tens of milliseconds once warm)
 * and report bad input as a {@link DatasetException} naming the file, the key and what was
 * expected. Writers are atomic ({@link AtomicFiles}) and deterministic (same content → same bytes).
 */
public final class LcRecFiles {
    static final JsonFactory JSON = JsonFactory.builder().build();

    private LcRecFiles() {}

    // ------------------------------------------------------------------ inter.json

    /**
     * Reads {@code {"<user>": [item, ...], ...}}.
     *
     * @param file the file
     * @return the interactions, users in file order
     */
    public static Interactions readInteractions(Path file) {
        return parse(
                file,
                p -> {
                    expect(file, p, p.nextToken(), JsonToken.START_OBJECT, null, "a JSON object");
                    Interactions.Builder b = Interactions.builder();
                    int[] buf = new int[256];
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String user = p.currentName();
                        String key = "user \"" + user + "\"";
                        expect(
                                file,
                                p,
                                p.nextToken(),
                                JsonToken.START_ARRAY,
                                key,
                                "a list of item ids");
                        int n = 0;
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t != JsonToken.VALUE_NUMBER_INT) {
                                throw DatasetException.at(
                                        file,
                                        key
                                                + " position "
                                                + n
                                                + " (line "
                                                + p.currentLocation().getLineNr()
                                                + ")",
                                        "expected an integer item id, found " + describe(p, t));
                            }
                            int item = intValue(file, p, key);
                            if (n == buf.length) {
                                buf = java.util.Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = item;
                        }
                        if (n == 0) {
                            throw DatasetException.at(
                                    file, key, "expected a non-empty sequence, found []");
                        }
                        try {
                            b.add(user, buf, 0, n);
                        } catch (DatasetException e) {
                            throw DatasetException.at(file, key, "duplicate user id");
                        }
                    }
                    return b.build();
                });
    }

    /**
     * Writes interactions as LC-Rec does, one user per line.
     *
     * @param file the target
     * @param data the interactions
     */
    public static void writeInteractions(Path file, Interactions data) {
        AtomicFiles.writeText(
                file,
                w -> {
                    w.write("{\n");
                    StringBuilder sb = new StringBuilder(256);
                    for (int r = 0; r < data.userCount(); r++) {
                        sb.setLength(0);
                        sb.append("  ");
                        appendJsonString(sb, data.user(r));
                        sb.append(": [");
                        for (int i = 0; i < data.length(r); i++) {
                            if (i > 0) {
                                sb.append(", ");
                            }
                            sb.append(data.item(r, i));
                        }
                        sb.append(r + 1 < data.userCount() ? "],\n" : "]\n");
                        w.append(sb);
                    }
                    w.write("}\n");
                });
    }

    // ------------------------------------------------------------------ item.json

    /**
     * Reads {@code {"<item>": {"title", "description", "brand", "categories"}, ...}}. Missing
     * fields are empty; list-valued fields are joined with {@code ", "}; other fields are ignored.
     *
     * @param file the file
     * @return the catalogue
     */
    public static ItemCatalog readItems(Path file) {
        return parse(
                file,
                p -> {
                    expect(file, p, p.nextToken(), JsonToken.START_OBJECT, null, "a JSON object");
                    List<Item> items = new ArrayList<>();
                    java.util.Set<Integer> seen = new java.util.HashSet<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        int id = itemKey(file, p.currentName());
                        String key = "item " + id;
                        if (!seen.add(id)) {
                            throw DatasetException.at(file, key, "duplicate item id");
                        }
                        expect(
                                file,
                                p,
                                p.nextToken(),
                                JsonToken.START_OBJECT,
                                key,
                                "an object of item fields");
                        String title = "", description = "", brand = "", categories = "";
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            p.nextToken();
                            String value = textValue(file, p, key + " field \"" + field + "\"");
                            switch (field) {
                                case "title" -> title = value;
                                case "description" -> description = value;
                                case "brand" -> brand = value;
                                case "categories" -> categories = value;
                                default -> {
                                    // other fields (e.g. price, imUrl) are not used by LC-Rec
                                }
                            }
                        }
                        items.add(new Item(id, title, description, brand, categories));
                    }
                    return ItemCatalog.of(items);
                });
    }

    /**
     * Writes a catalogue in LC-Rec's layout (pretty-printed, ascending ids).
     *
     * @param file the target
     * @param catalog the items
     */
    public static void writeItems(Path file, ItemCatalog catalog) {
        AtomicFiles.write(
                file,
                out -> {
                    try (JsonGenerator g = JSON.createGenerator(out)) {
                        g.useDefaultPrettyPrinter();
                        g.writeStartObject();
                        for (Item item : catalog.items()) {
                            g.writeFieldName(Integer.toString(item.id()));
                            g.writeStartObject();
                            g.writeStringField("title", item.title());
                            g.writeStringField("description", item.description());
                            g.writeStringField("brand", item.brand());
                            g.writeStringField("categories", item.categories());
                            g.writeEndObject();
                        }
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                });
    }

    // ------------------------------------------------------------------ index.json

    /**
     * Reads {@code {"<item>": ["<a_N>", "<b_N>", ...], ...}}. Every entry must have as many levels
     * as the first, in order a, b, c, ...
     *
     * @param file the file
     * @return the index
     */
    public static SemanticIndex readIndex(Path file) {
        return parse(
                file,
                p -> {
                    expect(file, p, p.nextToken(), JsonToken.START_OBJECT, null, "a JSON object");
                    Map<Integer, SemanticId> entries = new LinkedHashMap<>();
                    int levels = -1;
                    int[] codes = new int[IndexTokens.MAX_LEVELS];
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        int id = itemKey(file, p.currentName());
                        String key = "item " + id;
                        expect(
                                file,
                                p,
                                p.nextToken(),
                                JsonToken.START_ARRAY,
                                key,
                                "a list of index tokens");
                        int n = 0;
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t != JsonToken.VALUE_STRING) {
                                throw DatasetException.at(
                                        file,
                                        key,
                                        "expected index tokens like \"<a_12>\", found "
                                                + describe(p, t));
                            }
                            String token = p.getText();
                            int[] lc;
                            try {
                                lc = IndexTokens.parseToken(token);
                            } catch (IllegalArgumentException e) {
                                throw DatasetException.at(
                                        file, key, "bad index token: " + e.getMessage());
                            }
                            if (n >= IndexTokens.MAX_LEVELS || lc[0] != n) {
                                throw DatasetException.at(
                                        file,
                                        key,
                                        "expected a level-'"
                                                + (char) ('a' + Math.min(n, 25))
                                                + "' token at position "
                                                + (n + 1)
                                                + ", found \""
                                                + token
                                                + "\"");
                            }
                            codes[n++] = lc[1];
                        }
                        if (levels < 0) {
                            levels = n;
                        }
                        if (n != levels || n == 0) {
                            throw DatasetException.at(
                                    file,
                                    key,
                                    "expected " + Math.max(levels, 1) + " codes, found " + n);
                        }
                        if (entries.put(id, SemanticId.of(java.util.Arrays.copyOf(codes, n)))
                                != null) {
                            throw DatasetException.at(file, key, "duplicate item id");
                        }
                    }
                    if (entries.isEmpty()) {
                        throw DatasetException.at(
                                file, null, "expected at least one index entry, found none");
                    }
                    return SemanticIndex.of(entries);
                });
    }

    /**
     * Writes an index in LC-Rec's layout (one line, ascending item ids).
     *
     * @param file the target
     * @param index the index
     */
    public static void writeIndex(Path file, SemanticIndex index) {
        AtomicFiles.writeText(
                file,
                w -> {
                    StringBuilder sb = new StringBuilder(index.size() * 40);
                    sb.append('{');
                    boolean first = true;
                    for (Map.Entry<Integer, SemanticId> e : index.asMap().entrySet()) {
                        sb.append(first ? "\"" : ", \"").append(e.getKey()).append("\": [");
                        first = false;
                        String[] tokens = e.getValue().tokens();
                        for (int i = 0; i < tokens.length; i++) {
                            sb.append(i == 0 ? "\"" : ", \"").append(tokens[i]).append('"');
                        }
                        sb.append(']');
                    }
                    sb.append("}\n");
                    w.append(sb);
                });
    }

    // ------------------------------------------------------------------ user.json

    /**
     * Reads LC-Rec's {@code <D>.user.json}: {@code user_explicit_preference} (user → list of texts)
     * and {@code user_vague_intention} with {@code train} and {@code test} blocks (user → {@code
     * {item, inters, querys}}).
     *
     * @param file the file
     * @return the profiles
     */
    public static UserProfiles readUsers(Path file) {
        return parse(
                file,
                p -> {
                    expect(file, p, p.nextToken(), JsonToken.START_OBJECT, null, "a JSON object");
                    Map<String, List<String>> prefs = new LinkedHashMap<>();
                    Map<String, UserProfiles.Intention> train = new LinkedHashMap<>();
                    Map<String, UserProfiles.Intention> test = new LinkedHashMap<>();
                    boolean sawPrefs = false, sawIntentions = false;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String section = p.currentName();
                        p.nextToken();
                        switch (section) {
                            case "user_explicit_preference" -> {
                                sawPrefs = true;
                                expect(
                                        file,
                                        p,
                                        p.currentToken(),
                                        JsonToken.START_OBJECT,
                                        section,
                                        "an object of users");
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String user = p.currentName();
                                    p.nextToken();
                                    List<String> texts =
                                            stringList(
                                                    file, p, section + ": user \"" + user + "\"");
                                    if (texts.isEmpty()) {
                                        throw DatasetException.at(
                                                file,
                                                section + ": user \"" + user + "\"",
                                                "expected preference texts, found []");
                                    }
                                    prefs.put(user, texts);
                                }
                            }
                            case "user_vague_intention" -> {
                                sawIntentions = true;
                                expect(
                                        file,
                                        p,
                                        p.currentToken(),
                                        JsonToken.START_OBJECT,
                                        section,
                                        "an object with train/test");
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String block = p.currentName();
                                    p.nextToken();
                                    Map<String, UserProfiles.Intention> target =
                                            switch (block) {
                                                case "train" -> train;
                                                case "test" -> test;
                                                default ->
                                                        throw DatasetException.at(
                                                                file,
                                                                section,
                                                                "expected blocks \"train\" and \"test\", found \""
                                                                        + block
                                                                        + "\"");
                                            };
                                    readIntentions(file, p, section + "." + block, target);
                                }
                            }
                            default -> p.skipChildren();
                        }
                    }
                    if (!sawPrefs && !sawIntentions) {
                        throw DatasetException.at(
                                file,
                                null,
                                "expected \"user_explicit_preference\" and/or \"user_vague_intention\", found neither");
                    }
                    return new UserProfiles(prefs, train, test);
                });
    }

    private static void readIntentions(
            Path file, JsonParser p, String where, Map<String, UserProfiles.Intention> target)
            throws IOException {
        expect(file, p, p.currentToken(), JsonToken.START_OBJECT, where, "an object of users");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String user = p.currentName();
            String key = where + ": user \"" + user + "\"";
            expect(
                    file,
                    p,
                    p.nextToken(),
                    JsonToken.START_OBJECT,
                    key,
                    "an object {item, inters, querys}");
            Integer item = null;
            int[] inters = null;
            List<String> queries = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "item" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT) {
                            throw DatasetException.at(
                                    file,
                                    key,
                                    "expected an integer \"item\", found " + describe(p, t));
                        }
                        item = intValue(file, p, key);
                    }
                    case "inters" -> inters = intList(file, p, key + " field \"inters\"");
                    case "querys", "queries" ->
                            queries = stringList(file, p, key + " field \"querys\"");
                    default -> p.skipChildren();
                }
            }
            if (item == null || inters == null || queries == null) {
                throw DatasetException.at(
                        file,
                        key,
                        "expected fields item, inters and querys, missing "
                                + (item == null ? "item" : inters == null ? "inters" : "querys"));
            }
            if (queries.isEmpty()) {
                throw DatasetException.at(file, key, "expected at least one query, found []");
            }
            target.put(user, new UserProfiles.Intention(item, inters, queries));
        }
    }

    /**
     * Writes profiles in LC-Rec's {@code user.json} layout.
     *
     * @param file the target
     * @param profiles the profiles
     */
    public static void writeUsers(Path file, UserProfiles profiles) {
        AtomicFiles.write(
                file,
                out -> {
                    try (JsonGenerator g = JSON.createGenerator(out)) {
                        g.useDefaultPrettyPrinter();
                        g.writeStartObject();
                        g.writeObjectFieldStart("user_explicit_preference");
                        for (Map.Entry<String, List<String>> e :
                                profiles.preferences().entrySet()) {
                            g.writeArrayFieldStart(e.getKey());
                            for (String s : e.getValue()) {
                                g.writeString(s);
                            }
                            g.writeEndArray();
                        }
                        g.writeEndObject();
                        g.writeObjectFieldStart("user_vague_intention");
                        writeIntentions(g, "train", profiles.trainIntentions());
                        writeIntentions(g, "test", profiles.testIntentions());
                        g.writeEndObject();
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                });
    }

    private static void writeIntentions(
            JsonGenerator g, String block, Map<String, UserProfiles.Intention> m)
            throws IOException {
        g.writeObjectFieldStart(block);
        for (Map.Entry<String, UserProfiles.Intention> e : m.entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("item", e.getValue().item());
            g.writeArrayFieldStart("inters");
            for (int i : e.getValue().history()) {
                g.writeNumber(i);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("querys");
            for (String q : e.getValue().queries()) {
                g.writeString(q);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    interface ParseBody<T> {
        T parse(JsonParser p) throws IOException;
    }

    static <T> T parse(Path file, ParseBody<T> body) {
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = JSON.createParser(in)) {
            T result = body.parse(p);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw DatasetException.at(
                        file,
                        "line " + p.currentLocation().getLineNr(),
                        "expected end of file, found " + describe(p, trailing));
            }
            return result;
        } catch (NoSuchFileException e) {
            throw DatasetException.at(file, null, "file not found (" + file.toAbsolutePath() + ")");
        } catch (JsonParseException e) {
            throw DatasetException.at(
                    file,
                    "line "
                            + e.getLocation().getLineNr()
                            + " column "
                            + e.getLocation().getColumnNr(),
                    "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void expect(
            Path file,
            JsonParser p,
            JsonToken found,
            JsonToken expected,
            String where,
            String what) {
        if (found != expected) {
            throw DatasetException.at(
                    file,
                    where == null ? "line " + p.currentLocation().getLineNr() : where,
                    "expected " + what + ", found " + describe(p, found));
        }
    }

    static String describe(JsonParser p, JsonToken t) {
        if (t == null) {
            return "end of file";
        }
        try {
            return switch (t) {
                case VALUE_STRING -> "\"" + abbreviate(p.getText()) + "\"";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
                case START_OBJECT -> "an object";
                case START_ARRAY -> "a list";
                case VALUE_NULL -> "null";
                case VALUE_TRUE, VALUE_FALSE -> p.getText();
                default -> t.toString();
            };
        } catch (IOException e) {
            return t.toString();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    static int intValue(Path file, JsonParser p, String where) throws IOException {
        if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
            throw DatasetException.at(
                    file, where, "expected a non-negative 32-bit item id, found " + p.getText());
        }
        return p.getIntValue();
    }

    /**
     * Parses an item key: a non-negative decimal integer without sign or leading zeros.
     *
     * @param file for the message
     * @param key the JSON key
     * @return the id
     */
    static int itemKey(Path file, String key) {
        boolean ok =
                !key.isEmpty() && key.length() <= 10 && (key.length() == 1 || key.charAt(0) != '0');
        for (int i = 0; ok && i < key.length(); i++) {
            ok = key.charAt(i) >= '0' && key.charAt(i) <= '9';
        }
        long v = ok ? Long.parseLong(key) : -1;
        if (!ok || v > Integer.MAX_VALUE) {
            throw DatasetException.at(
                    file, "key \"" + key + "\"", "expected a non-negative integer item id");
        }
        return (int) v;
    }

    private static String textValue(Path file, JsonParser p, String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return "";
        }
        if (t == JsonToken.START_ARRAY) {
            return String.join(", ", stringList(file, p, where));
        }
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getText();
        }
        throw DatasetException.at(file, where, "expected text, found " + describe(p, t));
    }

    private static List<String> stringList(Path file, JsonParser p, String where)
            throws IOException {
        expect(file, p, p.currentToken(), JsonToken.START_ARRAY, where, "a list of texts");
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw DatasetException.at(file, where, "expected text, found " + describe(p, t));
            }
            out.add(p.getText());
        }
        return out;
    }

    private static int[] intList(Path file, JsonParser p, String where) throws IOException {
        expect(file, p, p.currentToken(), JsonToken.START_ARRAY, where, "a list of item ids");
        int[] buf = new int[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw DatasetException.at(
                        file, where, "expected an integer item id, found " + describe(p, t));
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = intValue(file, p, where);
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
