package org.lcrec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.FileChecks;
import org.lcrec.tokenizers.Tokenizer;

/**
 * The text layer over lcrec-tokenizers: {@link TextTemplate}s tokenised with the model's own
 * tokenizer, and the index-token map read from a model's {@code tokenizer.json} (with the index
 * tokens added, as {@code lcrec train}/{@code lcrec export} write it).
 *
 * <p>Each text piece is tokenised on its own and the ids are concatenated (prefix, then each item's
 * index tokens with the separator between, then the suffix), so the item tokens never merge with
 * the surrounding text (LC-Rec's collator tokenises prompt and prompt+response separately and
 * assumes a prefix match, which can shift the boundary).
 */
public final class TextPrompts {
    private TextPrompts() {}

    /**
     * Reads text templates: {@code {"version": 1, "templates": [{"name": ..., "prefix": ...,
     * "separator": ..., "suffix": ...}, ...]}} (a bundle's {@code prompts.json} is such a file; its
     * token ids are not read here).
     *
     * @param file the file
     * @return the templates in file order
     * @throws MalformedFileException naming the file and the bad entry
     */
    public static List<TextTemplate> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new MalformedFileException(
                    file + ": expected JSON: " + FileChecks.describe(e), e);
        }
        return fromTree(root, file);
    }

    /**
     * The text templates of a parsed templates file (a bundle's {@code prompts.json} reads its text
     * through here, then its token ids).
     */
    static List<TextTemplate> fromTree(JsonNode root, Path file) {
        if (root == null || root.path("version").asInt(-1) != 1) {
            throw new MalformedFileException(
                    file
                            + ": \"version\": expected 1, found "
                            + (root == null ? null : FileChecks.abbreviate(root.get("version"))));
        }
        JsonNode list = root.get("templates");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new MalformedFileException(
                    file + ": \"templates\": expected a non-empty list of text templates");
        }
        List<TextTemplate> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String[] v = new String[4];
            String[] fields = {"name", "prefix", "separator", "suffix"};
            for (int f = 0; f < 4; f++) {
                JsonNode n = t.get(fields[f]);
                if (n == null || !n.isTextual()) {
                    throw new MalformedFileException(
                            file
                                    + ": templates["
                                    + i
                                    + "]."
                                    + fields[f]
                                    + ": expected a string, found "
                                    + FileChecks.abbreviate(n));
                }
                v[f] = n.textValue();
            }
            out.add(new TextTemplate(v[0], v[1], v[2], v[3]));
        }
        return out;
    }

    /**
     * Tokenises a text template.
     *
     * @param tokenizer the model's tokenizer
     * @param template the text
     * @param bosId BOS to put first, or -1 for none
     * @return the token-level template
     */
    public static PromptTemplate tokenize(Tokenizer tokenizer, TextTemplate template, int bosId) {
        int[] prefix = tokenizer.encode(template.prefix(), false);
        if (bosId >= 0) {
            int[] p = new int[prefix.length + 1];
            p[0] = bosId;
            System.arraycopy(prefix, 0, p, 1, prefix.length);
            prefix = p;
        }
        return new PromptTemplate(
                template.name(),
                prefix,
                tokenizer.encode(template.separator(), false),
                tokenizer.encode(template.suffix(), false));
    }

    /**
     * @param tokenizer a tokenizer with the index tokens added
     * @param index the index
     * @return index token → id
     * @throws IllegalArgumentException naming the first index token the tokenizer lacks
     */
    public static Map<String, Integer> tokenMap(Tokenizer tokenizer, SemanticIndex index) {
        try {
            return tokenizer.indexTokenIds(index);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "the tokenizer lacks index tokens: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a model directory with {@code tokenizer.json}: the index tokens' ids come from the
     * tokenizer and the templates are tokenised with it (BOS from {@code config.json}).
     *
     * @param modelDir the model directory
     * @param index the index
     * @param templates text templates (empty: the index-only template)
     * @param config decoding settings (its token-level templates are replaced)
     * @param options device and threads
     * @return the recommender
     */
    public static Recommender open(
            Path modelDir,
            SemanticIndex index,
            List<TextTemplate> templates,
            RecommenderConfig config,
            DecoderOptions options) {
        Path tokFile = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokFile)) {
            throw new IllegalArgumentException(tokFile + ": missing (needed for text prompts)");
        }
        Tokenizer tokenizer = Tokenizer.load(tokFile);
        DecoderConfig dc = DecoderConfig.read(modelDir.resolve("config.json"));
        List<PromptTemplate> tokenized = new ArrayList<>();
        for (TextTemplate t : templates) {
            tokenized.add(tokenize(tokenizer, t, dc.bosId()));
        }
        return Recommender.open(
                modelDir,
                index,
                tokenMap(tokenizer, index),
                config.withTemplates(tokenized),
                options);
    }
}
