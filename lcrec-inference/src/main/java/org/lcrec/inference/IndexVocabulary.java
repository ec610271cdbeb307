package org.lcrec.inference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.FileChecks;

/**
 * Where a model's vocabulary puts the index tokens: {@code (level, code)} → token id, and back.
 * Built from a token map ({@code {"<a_12>": 32012, ...}}, the {@code --token-map} file) and checked
 * against the {@link SemanticIndex} it will decode, so a model whose vocabulary lacks index tokens
 * fails here with the tokens named.
 *
 * @implNote immutable and thread-safe; lookups are O(1) array reads.
 */
public final class IndexVocabulary {
    private final int[][] tokenIds; // [level][code] -> token id, -1 if unused
    private final Map<Integer, int[]> reverse; // token id -> {level, code}
    private final int vocabularySize;

    private IndexVocabulary(int[][] tokenIds, Map<Integer, int[]> reverse, int vocabularySize) {
        this.tokenIds = tokenIds;
        this.reverse = reverse;
        this.vocabularySize = vocabularySize;
    }

    /**
     * @param tokenMap index token → vocabulary id; may hold more tokens than the index uses
     * @param index the index whose every token must be present
     * @param vocabularySize the model's vocabulary size; every id must be below it
     * @return the vocabulary view
     * @throws IllegalArgumentException naming the missing tokens (at most 10 shown), malformed
     *     tokens, ids out of range, or two tokens sharing an id
     */
    public static IndexVocabulary of(
            Map<String, Integer> tokenMap, SemanticIndex index, int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException(
                    "vocabularySize must be >= 1, found " + vocabularySize);
        }
        int levels = index.levels();
        int codes = index.codebookSize();
        int[][] ids = new int[levels][codes];
        for (int[] row : ids) {
            java.util.Arrays.fill(row, -1);
        }
        Map<Integer, int[]> reverse = new HashMap<>();
        Map<Integer, String> owner = new HashMap<>();
        for (Map.Entry<String, Integer> e : new TreeMap<>(tokenMap).entrySet()) {
            int[] lc;
            try {
                lc = IndexTokens.parseToken(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("token map: " + ex.getMessage(), ex);
            }
            Integer id = e.getValue();
            if (id == null || id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException(
                        "token map: "
                                + e.getKey()
                                + ": expected an id in [0, "
                                + vocabularySize
                                + "), found "
                                + id);
            }
            String prev = owner.putIfAbsent(id, e.getKey());
            if (prev != null) {
                throw new IllegalArgumentException(
                        "token map: " + prev + " and " + e.getKey() + " share id " + id);
            }
            reverse.put(id, lc);
            if (lc[0] < levels && lc[1] < codes) {
                ids[lc[0]][lc[1]] = id;
            }
        }
        List<String> missing = new ArrayList<>();
        for (String token : index.tokens()) {
            int[] lc = IndexTokens.parseToken(token);
            if (ids[lc[0]][lc[1]] < 0) {
                missing.add(token);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model's vocabulary lacks "
                            + missing.size()
                            + " of the index's "
                            + index.tokens().size()
                            + " tokens, e.g. "
                            + missing.subList(0, Math.min(10, missing.size()))
                            + " (extend the vocabulary with the index tokens, or pass the right"
                            + " token map)");
        }
        return new IndexVocabulary(ids, Collections.unmodifiableMap(reverse), vocabularySize);
    }

    /**
     * Reads a token map file ({@code {"<a_12>": 32012, ...}}).
     *
     * @param file the JSON file
     * @return token → id
     * @throws MalformedFileException naming the file if it cannot be parsed
     */
    public static Map<String, Integer> readTokenMap(Path file) {
        try {
            return new ObjectMapper()
                    .readValue(file.toFile(), new TypeReference<Map<String, Integer>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedFileException(
                    file
                            + ": expected a JSON object {\"<a_12>\": 32012, ...}: "
                            + FileChecks.describe(e),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * @return the number of levels
     */
    public int levels() {
        return tokenIds.length;
    }

    /**
     * @return the model's vocabulary size
     */
    public int vocabularySize() {
        return vocabularySize;
    }

    /**
     * @param level the level
     * @param code the code
     * @return the token id
     * @throws IllegalArgumentException if the token is not in the map
     */
    public int tokenId(int level, int code) {
        int id =
                level < tokenIds.length && code < tokenIds[level].length
                        ? tokenIds[level][code]
                        : -1;
        if (id < 0) {
            throw new IllegalArgumentException(
                    "token map has no id for " + IndexTokens.token(level, code));
        }
        return id;
    }

    /**
     * @param id a semantic ID
     * @return its token ids, one per level
     */
    public int[] tokenIds(SemanticId id) {
        int[] out = new int[id.levels()];
        for (int l = 0; l < out.length; l++) {
            out[l] = tokenId(l, id.code(l));
        }
        return out;
    }

    /**
     * @param tokenId a vocabulary id
     * @return {@code {level, code}}, or {@code null} if the id is no index token
     */
    public int[] levelAndCode(int tokenId) {
        int[] lc = reverse.get(tokenId);
        return lc == null ? null : lc.clone();
    }

    @Override
    public String toString() {
        return "IndexVocabulary(levels="
                + tokenIds.length
                + ", tokens="
                + reverse.size()
                + ", vocabularySize="
                + vocabularySize
                + ")";
    }
}
