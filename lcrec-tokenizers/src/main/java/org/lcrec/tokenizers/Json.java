package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;

/** Small guards for reading {@code tokenizer.json}, with messages that name the place. */
final class Json {
    private Json() {}

    static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new TokenizerException(
                    where
                            + ": expected string field \""
                            + field
                            + "\", found "
                            + (v == null ? "nothing" : v.getNodeType().toString().toLowerCase()));
        }
        return v.asText();
    }

    static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static JsonNode object(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new TokenizerException(
                    where
                            + ": expected object field \""
                            + field
                            + "\", found "
                            + (v == null ? "nothing" : v));
        }
        return v;
    }
}
