package org.lcrec.tasks.llm;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in what the LLM client prints: URL user-info, key-like query parameters, the
 * configured API key, and bearer tokens or key-shaped strings a server may echo in a response.
 */
final class Secrets {
    /** What a secret is replaced with. */
    static final String MASK = "***";

    /** Query parameter names that carry credentials (matched as a substring, any case). */
    private static final Pattern SECRET_PARAM =
            Pattern.compile("key|token|secret|password|passwd|auth|signature|sig|credential");

    /**
     * Key-shaped strings servers echo: {@code Bearer x}, OpenAI-style {@code sk-...}, and {@code
     * key=value} pairs whose name looks secret.
     */
    private static final Pattern ECHOED =
            Pattern.compile(
                    "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{6,}"
                            + "|\\bsk-[A-Za-z0-9_-]{8,}"
                            + "|((?:api[_-]?key|access[_-]?token|token|secret|password)"
                            + "[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"'&,}]{4,}");

    private Secrets() {}

    /**
     * @param uri a URL
     * @return the URL with user-info and credential-like query values replaced by {@value #MASK}
     */
    static String uri(URI uri) {
        if (uri == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append("://");
        }
        if (uri.getRawUserInfo() != null) {
            b.append(MASK).append('@');
        }
        if (uri.getHost() != null) {
            b.append(uri.getHost());
        } else if (uri.getRawAuthority() != null) {
            String a = uri.getRawAuthority();
            b.append(a.substring(a.indexOf('@') + 1));
        }
        if (uri.getPort() >= 0) {
            b.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            b.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            b.append('?');
            String[] pairs = uri.getRawQuery().split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                String p = pairs[i];
                int eq = p.indexOf('=');
                String name = eq < 0 ? p : p.substring(0, eq);
                if (i > 0) {
                    b.append('&');
                }
                if (eq >= 0 && SECRET_PARAM.matcher(name.toLowerCase(Locale.ROOT)).find()) {
                    b.append(name).append('=').append(MASK);
                } else {
                    b.append(p);
                }
            }
        }
        if (uri.getRawFragment() != null) {
            b.append('#').append(uri.getRawFragment());
        }
        return b.toString();
    }

    /**
     * @param text text to print (an error body, an exception message)
     * @param apiKey the configured key, or null
     * @return the text with the key and key-shaped strings replaced by {@value #MASK}
     */
    static String text(String text, String apiKey) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (apiKey != null && apiKey.length() >= 4) {
            s = s.replace(apiKey, MASK);
        }
        Matcher m = ECHOED.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String keep = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : "";
            m.appendReplacement(out, Matcher.quoteReplacement(keep + MASK));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * @param uri an http(s) URL
     * @return whether its host is this machine (localhost, 127.0.0.0/8, ::1), named literally
     */
    static boolean loopback(URI uri) {
        String h = uri.getHost();
        if (h == null) {
            return false;
        }
        h = h.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
