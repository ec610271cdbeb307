package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Hugging Face decoder: a chain step from token strings to text pieces. */
interface Decoder {
    /**
     * @param tokens token strings (or pieces from the previous step)
     * @return the transformed pieces; the final text is their concatenation
     */
    List<String> chain(List<String> tokens);

    static Decoder fromJson(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return null;
        }
        String where = source + ": decoder";
        String type = Json.text(node, "type", where);
        switch (type) {
            case "ByteLevel":
                return Decoder::byteLevel;
            case "WordPiece":
                {
                    String prefix = node.has("prefix") ? node.get("prefix").asText() : "##";
                    boolean cleanup = node.path("cleanup").asBoolean(true);
                    return tokens -> wordPiece(tokens, prefix, cleanup);
                }
            case "Replace":
                {
                    JsonNode pattern = node.path("pattern");
                    String content = Json.text(node, "content", where);
                    if (pattern.has("String")) {
                        String lit = pattern.get("String").asText();
                        return tokens ->
                                map(tokens, t -> lit.isEmpty() ? t : t.replace(lit, content));
                    }
                    if (pattern.has("Regex")) {
                        Pattern p = SplitPatterns.compileJava(pattern.get("Regex").asText());
                        String rep = Matcher.quoteReplacement(content);
                        return tokens -> map(tokens, t -> p.matcher(t).replaceAll(rep));
                    }
                    throw new TokenizerException(
                            where
                                    + ": Replace expects pattern {\"String\"|\"Regex\": ...}, found "
                                    + pattern);
                }
            case "ByteFallback":
                return Decoder::byteFallback;
            case "Fuse":
                return tokens -> List.of(String.join("", tokens));
            case "Strip":
                {
                    String content = Json.text(node, "content", where);
                    if (content.codePointCount(0, content.length()) != 1) {
                        throw new TokenizerException(
                                where
                                        + ": Strip content must be one character, found \""
                                        + content
                                        + "\"");
                    }
                    int start = node.path("start").asInt(0);
                    int stop = node.path("stop").asInt(0);
                    return tokens -> map(tokens, t -> strip(t, content, start, stop));
                }
            case "Sequence":
                {
                    List<Decoder> parts = new ArrayList<>();
                    for (JsonNode child : node.path("decoders")) {
                        parts.add(fromJson(child, source));
                    }
                    return tokens -> {
                        List<String> out = tokens;
                        for (Decoder d : parts) {
                            out = d.chain(out);
                        }
                        return out;
                    };
                }
            default:
                throw new TokenizerException(
                        where
                                + ": unsupported decoder type \""
                                + type
                                + "\" (supported: ByteLevel, WordPiece, Replace, ByteFallback,"
                                + " Fuse, Strip, Sequence)");
        }
    }

    private static List<String> map(
            List<String> tokens, java.util.function.UnaryOperator<String> f) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(f.apply(t));
        }
        return out;
    }

    /** Maps each token's characters back to bytes and decodes UTF-8, invalid bytes as U+FFFD. */
    static List<String> byteLevel(List<String> tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String t : tokens) {
            boolean all = true;
            for (int i = 0; i < t.length() && all; i++) {
                all = ByteLevel.toByte(t.charAt(i)) >= 0;
            }
            if (all) {
                for (int i = 0; i < t.length(); i++) {
                    bytes.write(ByteLevel.toByte(t.charAt(i)));
                }
            } else {
                byte[] u = t.getBytes(StandardCharsets.UTF_8);
                bytes.write(u, 0, u.length);
            }
        }
        return List.of(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }

    static List<String> wordPiece(List<String> tokens, String prefix, boolean cleanup) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (i != 0) {
                t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
            }
            if (cleanup) {
                t =
                        t.replace(" .", ".")
                                .replace(" ?", "?")
                                .replace(" !", "!")
                                .replace(" ,", ",")
                                .replace(" ' ", "'")
                                .replace(" n't", "n't")
                                .replace(" 'm", "'m")
                                .replace(" do not", " don't")
                                .replace(" 's", "'s")
                                .replace(" 've", "'ve")
                                .replace(" 're", "'re");
            }
            out.add(t);
        }
        return out;
    }

    /** Consecutive {@code <0xNN>} tokens become their UTF-8 string, or one U+FFFD per byte. */
    static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int count = 0;
        for (String t : tokens) {
            int b = -1;
            if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
                try {
                    b = Integer.parseInt(t.substring(3, 5), 16);
                } catch (NumberFormatException e) {
                    b = -1;
                }
            }
            if (b >= 0) {
                pending.write(b);
                count++;
                continue;
            }
            if (count > 0) {
                flush(pending, count, out);
                count = 0;
            }
            out.add(t);
        }
        if (count > 0) {
            flush(pending, count, out);
        }
        return out;
    }

    private static void flush(ByteArrayOutputStream pending, int count, List<String> out) {
        try {
            out.add(
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(pending.toByteArray()))
                            .toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < count; i++) {
                out.add("\uFFFD");
            }
        }
        pending.reset();
    }

    static String strip(String t, String content, int start, int stop) {
        int s = 0;
        int e = t.length();
        for (int i = 0; i < start && t.startsWith(content, s); i++) {
            s += content.length();
        }
        for (int i = 0;
                i < stop
                        && e - content.length() >= s
                        && t.startsWith(content, e - content.length());
                i++) {
            e -= content.length();
        }
        return t.substring(s, e);
    }
}
