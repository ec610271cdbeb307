package org.lcrec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.FileChecks;

/**
 * The shape facts of a causal decoder that the KV cache needs, as found in a Hugging Face {@code
 * config.json}.
 *
 * @param layers {@code num_hidden_layers}
 * @param kvHeads {@code num_key_value_heads} (defaults to {@code num_attention_heads})
 * @param headDim {@code head_dim}, else {@code hidden_size / num_attention_heads}
 * @param vocabularySize {@code vocab_size}
 * @param bosId {@code bos_token_id}, -1 if absent
 * @param eosId {@code eos_token_id} (the first if a list), -1 if absent
 * @param padId {@code pad_token_id}, else the EOS id, else 0
 */
public record DecoderConfig(
        int layers, int kvHeads, int headDim, int vocabularySize, int bosId, int eosId, int padId) {
    /** Validates the shape. */
    public DecoderConfig {
        if (layers < 1 || kvHeads < 1 || headDim < 1 || vocabularySize < 1) {
            throw new MalformedFileException(
                    "decoder config: expected layers, kvHeads, headDim, vocabularySize >= 1, found "
                            + layers
                            + ", "
                            + kvHeads
                            + ", "
                            + headDim
                            + ", "
                            + vocabularySize);
        }
        if (padId < 0 || padId >= vocabularySize) {
            throw new MalformedFileException(
                    "decoder config: pad id must be in [0, "
                            + vocabularySize
                            + "), found "
                            + padId);
        }
    }

    /**
     * Reads {@code config.json}.
     *
     * @param file the file
     * @return the config
     * @throws MalformedFileException naming the file and the missing or bad key
     */
    public static DecoderConfig read(Path file) {
        Objects.requireNonNull(file, "file");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new MalformedFileException(file + ": cannot read: " + FileChecks.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedFileException(file + ": expected a JSON object");
        }
        int layers = required(file, root, "num_hidden_layers");
        int heads = optional(file, root, "num_attention_heads", -1);
        int kvHeads = optional(file, root, "num_key_value_heads", heads);
        if (kvHeads < 1) {
            throw new MalformedFileException(
                    file + ": expected num_key_value_heads or num_attention_heads");
        }
        int headDim = optional(file, root, "head_dim", -1);
        if (headDim < 1) {
            int hidden = required(file, root, "hidden_size");
            if (heads < 1) {
                throw new MalformedFileException(
                        file + ": expected head_dim or num_attention_heads");
            }
            headDim = hidden / heads;
        }
        int vocab = required(file, root, "vocab_size");
        int bos = optional(file, root, "bos_token_id", -1);
        int eos = optional(file, root, "eos_token_id", -1);
        int pad = optional(file, root, "pad_token_id", eos >= 0 ? eos : 0);
        return new DecoderConfig(layers, kvHeads, headDim, vocab, bos, eos, pad);
    }

    private static int required(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw new MalformedFileException(
                    file + ": \"" + key + "\": expected a positive integer, found " + shown(n));
        }
        return n.intValue();
    }

    /**
     * An optional integer (a list's first element, as Hugging Face writes several EOS ids); absent
     * or null gives the fallback, anything but an integer of at least -1 is refused (16.5 is not
     * read as 16).
     */
    private static int optional(Path file, JsonNode root, String key, int fallback) {
        JsonNode n = root.get(key);
        if (n != null && n.isArray() && n.size() > 0) {
            n = n.get(0);
        }
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < -1) {
            throw new MalformedFileException(
                    file + ": \"" + key + "\": expected an integer, found " + shown(n));
        }
        return n.intValue();
    }

    /** A found value as messages show it: at most 100 characters. */
    private static String shown(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }
}
