package org.lcrec.tokenizers;

/**
 * GPT-2's reversible byte-to-character map: printable Latin-1 bytes map to themselves, the other 68
 * bytes to U+0100 and up, in byte order.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x180];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean keep =
                    (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = keep ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /**
     * @return the byte, or -1 if the character is not in the map
     */
    static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Maps a token's characters to bytes; characters outside the map are encoded as UTF-8. */
    static void appendBytes(String token, java.io.ByteArrayOutputStream out) {
        for (int i = 0; i < token.length(); i++) {
            int b = toByte(token.charAt(i));
            if (b >= 0) {
                out.write(b);
            } else {
                int cp = token.codePointAt(i);
                byte[] u =
                        new String(Character.toChars(cp))
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(u, 0, u.length);
                i += Character.charCount(cp) - 1;
            }
        }
    }

    /** Maps UTF-8 bytes to the byte-level string. */
    static String map(byte[] bytes) {
        char[] c = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            c[i] = toChar(bytes[i]);
        }
        return new String(c);
    }
}
