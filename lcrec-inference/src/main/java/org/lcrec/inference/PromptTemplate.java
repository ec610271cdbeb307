package org.lcrec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.FileChecks;

/**
 * A prompt at the token level: {@code prefix}, then each history item's index tokens separated by
 * {@code separator}, then {@code suffix} (which ends where the response, the next item's index,
 * begins). Token-level templates need no tokenizer: a template's text pieces can be tokenised once
 * by whoever trained the model (or by lcrec-model's tokenizer) and stored as ids.
 *
 * @param name the template's name (reported per template by the evaluator)
 * @param prefix token ids before the history
 * @param separator token ids between two history items
 * @param suffix token ids after the history
 */
public record PromptTemplate(String name, int[] prefix, int[] separator, int[] suffix) {
    /** The version of the templates file format. */
    public static final int FILE_VERSION = 1;

    /** Copies the arrays and validates. */
    public PromptTemplate {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a prompt template needs a name");
        }
        prefix = prefix.clone();
        separator = separator.clone();
        suffix = suffix.clone();
    }

    /**
     * @return a copy of the token ids before the history
     */
    @Override
    public int[] prefix() {
        return prefix.clone();
    }

    /**
     * @return a copy of the token ids between two history items
     */
    @Override
    public int[] separator() {
        return separator.clone();
    }

    /**
     * @return a copy of the token ids after the history
     */
    @Override
    public int[] suffix() {
        return suffix.clone();
    }

    /**
     * The minimal template: BOS (if any), then the history's index tokens back to back.
     *
     * @param bosId the BOS id, or -1 for none
     * @return the template
     */
    public static PromptTemplate indexOnly(int bosId) {
        return new PromptTemplate(
                "index-only", bosId >= 0 ? new int[] {bosId} : new int[0], new int[0], new int[0]);
    }

    /**
     * Builds the prompt.
     *
     * @param itemTokens each history item's index token ids, oldest first
     * @return the prompt's token ids
     */
    public int[] encode(int[][] itemTokens) {
        int n = prefix.length + suffix.length;
        for (int i = 0; i < itemTokens.length; i++) {
            n += itemTokens[i].length + (i > 0 ? separator.length : 0);
        }
        int[] out = new int[n];
        int p = 0;
        System.arraycopy(prefix, 0, out, p, prefix.length);
        p += prefix.length;
        for (int i = 0; i < itemTokens.length; i++) {
            if (i > 0) {
                System.arraycopy(separator, 0, out, p, separator.length);
                p += separator.length;
            }
            System.arraycopy(itemTokens[i], 0, out, p, itemTokens[i].length);
            p += itemTokens[i].length;
        }
        System.arraycopy(suffix, 0, out, p, suffix.length);
        return out;
    }

    /**
     * Reads a templates file: {@code {"version": 1, "templates": [{"name": "...", "prefix": [...],
     * "separator": [...], "suffix": [...]}, ...]}}.
     *
     * @param file the file
     * @return the templates in file order
     * @throws MalformedFileException naming the file and the bad entry
     */
    public static List<PromptTemplate> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new MalformedFileException(file + ": cannot read: " + FileChecks.describe(e), e);
        }
        JsonNode version = root == null ? null : root.get("version");
        if (version == null || !version.isInt() || version.asInt() != FILE_VERSION) {
            throw new MalformedFileException(
                    file
                            + ": expected \"version\": "
                            + FILE_VERSION
                            + ", found "
                            + FileChecks.abbreviate(version));
        }
        JsonNode list = root.get("templates");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new MalformedFileException(file + ": expected a non-empty \"templates\" list");
        }
        List<PromptTemplate> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String where = file + ": templates[" + i + "]";
            if (!t.isObject()) {
                throw new MalformedFileException(
                        where
                                + ": expected {\"name\", \"prefix\", \"separator\", \"suffix\"},"
                                + " found "
                                + FileChecks.abbreviate(t));
            }
            out.add(
                    new PromptTemplate(
                            t.path("name").asText("template-" + i),
                            optionalIds(t.get("prefix"), where + ".prefix"),
                            optionalIds(t.get("separator"), where + ".separator"),
                            optionalIds(t.get("suffix"), where + ".suffix")));
        }
        return out;
    }

    private static int[] optionalIds(JsonNode n, String where) {
        return n == null ? new int[0] : tokenIds(n, where);
    }

    /**
     * A JSON list of token ids as a prompt file holds them.
     *
     * @param n the list (null: absent)
     * @param where file and field, for the message
     * @return the ids
     * @throws MalformedFileException if {@code n} is not a list of non-negative ints
     */
    static int[] tokenIds(JsonNode n, String where) {
        if (n == null || !n.isArray()) {
            throw new MalformedFileException(
                    where + ": expected a list of token ids, found " + FileChecks.abbreviate(n));
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = n.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw new MalformedFileException(
                        where
                                + "["
                                + i
                                + "]: expected a token id, found "
                                + FileChecks.abbreviate(v));
            }
            out[i] = v.intValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTemplate t
                && name.equals(t.name)
                && Arrays.equals(prefix, t.prefix)
                && Arrays.equals(separator, t.separator)
                && Arrays.equals(suffix, t.suffix);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + Arrays.hashCode(prefix)) * 31 + Arrays.hashCode(separator))
                        * 31
                + Arrays.hashCode(suffix);
    }

    @Override
    public String toString() {
        return "PromptTemplate("
                + name
                + ", prefix="
                + ids(prefix)
                + ", separator="
                + ids(separator)
                + ", suffix="
                + ids(suffix)
                + ")";
    }

    /** Most token ids {@link #toString()} lists per piece before it abbreviates. */
    static final int SHOWN_IDS = 6;

    /** {@code [101, 2917, ...]}, abbreviated past {@value #SHOWN_IDS} ids with the total. */
    static String ids(int[] ids) {
        if (ids.length <= SHOWN_IDS) {
            return Arrays.toString(ids);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < SHOWN_IDS; i++) {
            b.append(ids[i]).append(", ");
        }
        return b.append("... ").append(ids.length).append(" ids]").toString();
    }
}
