package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The special tokens a post-processor puts around a single sequence ({@code [CLS] A [SEP]}, {@code
 * <s> A}, ...). Pair templates are not used by this SDK and are not read.
 *
 * @param prefix ids placed before the sequence
 * @param suffix ids placed after it
 */
record PostProcessor(int[] prefix, int[] suffix) {
    static final PostProcessor NONE = new PostProcessor(new int[0], new int[0]);

    int added() {
        return prefix.length + suffix.length;
    }

    static PostProcessor fromJson(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String where = source + ": post_processor";
        String type = Json.text(node, "type", where);
        switch (type) {
            case "ByteLevel":
                return NONE;
            case "BertProcessing":
            case "RobertaProcessing":
                {
                    int cls = pairId(node, "cls", where);
                    int sep = pairId(node, "sep", where);
                    return new PostProcessor(new int[] {cls}, new int[] {sep});
                }
            case "TemplateProcessing":
                return template(node, where);
            case "Sequence":
                {
                    PostProcessor acc = NONE;
                    for (JsonNode child : node.path("processors")) {
                        PostProcessor p = fromJson(child, source);
                        acc =
                                new PostProcessor(
                                        concat(p.prefix, acc.prefix), concat(acc.suffix, p.suffix));
                    }
                    return acc;
                }
            default:
                throw new TokenizerException(
                        where
                                + ": unsupported post-processor type \""
                                + type
                                + "\" (supported: TemplateProcessing, BertProcessing,"
                                + " RobertaProcessing, ByteLevel, Sequence)");
        }
    }

    private static int pairId(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray() || v.size() != 2 || !v.get(1).canConvertToInt()) {
            throw new TokenizerException(
                    where + ": expected \"" + field + "\": [token, id], found " + v);
        }
        return v.get(1).asInt();
    }

    private static PostProcessor template(JsonNode node, String where) {
        JsonNode single = node.get("single");
        if (single == null || !single.isArray()) {
            throw new TokenizerException(
                    where + ": TemplateProcessing expects array \"single\", found " + single);
        }
        JsonNode specials = node.path("special_tokens");
        IntList prefix = new IntList(2);
        IntList suffix = new IntList(2);
        boolean seenSequence = false;
        for (JsonNode piece : single) {
            if (piece.has("Sequence")) {
                if (seenSequence) {
                    throw new TokenizerException(
                            where + ": single template holds two sequences: " + single);
                }
                seenSequence = true;
            } else if (piece.has("SpecialToken")) {
                String id = Json.text(piece.get("SpecialToken"), "id", where + ": SpecialToken");
                JsonNode spec = specials.get(id);
                if (spec == null || !spec.path("ids").isArray()) {
                    throw new TokenizerException(
                            where
                                    + ": special token \""
                                    + id
                                    + "\" is used in the template but not defined in special_tokens");
                }
                for (JsonNode x : spec.get("ids")) {
                    (seenSequence ? suffix : prefix).add(x.asInt());
                }
            } else {
                throw new TokenizerException(where + ": unexpected template piece " + piece);
            }
        }
        if (!seenSequence) {
            throw new TokenizerException(where + ": single template has no Sequence: " + single);
        }
        return new PostProcessor(prefix.toArray(), suffix.toArray());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
