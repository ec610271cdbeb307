package org.lcrec.tokenizers;

/**
 * Unicode character classes with the exact meaning the Rust tokenizers give them (Rust's {@code
 * char::is_whitespace}, regex {@code \s}, {@code \w}, {@code \p{L}}, {@code \p{N}}; BERT's
 * punctuation, control and CJK tests). Java's own {@code Character.isWhitespace} differs (it
 * excludes no-break spaces), so these are spelled out here.
 */
final class UnicodeProps {
    private UnicodeProps() {}

    /** The Unicode White_Space property (Rust {@code char::is_whitespace}, regex {@code \s}). */
    static boolean isWhiteSpace(int c) {
        if (c < 0x80) {
            return c == ' ' || (c >= 0x09 && c <= 0x0D);
        }
        return c == 0x85
                || c == 0xA0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    /** General category L (Lu, Ll, Lt, Lm, Lo): regex {@code \p{L}}. */
    static boolean isLetter(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
        return Character.isLetter(c);
    }

    /** General category N (Nd, Nl, No): regex {@code \p{N}}. */
    static boolean isNumber(int c) {
        if (c < 0x80) {
            return c >= '0' && c <= '9';
        }
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.LETTER_NUMBER
                || t == Character.OTHER_NUMBER;
    }

    /** Rust regex {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
    static boolean isWordChar(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_';
        }
        if (Character.isAlphabetic(c)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.NON_SPACING_MARK
                || t == Character.ENCLOSING_MARK
                || t == Character.COMBINING_SPACING_MARK
                || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION
                || c == 0x200C
                || c == 0x200D;
    }

    /** BERT punctuation: ASCII punctuation or Unicode categories P*. */
    static boolean isBertPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47)
                    || (c >= 58 && c <= 64)
                    || (c >= 91 && c <= 96)
                    || (c >= 123 && c <= 126);
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION
                || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /**
     * BERT control: categories Cc, Cf and Co except tab, newline and carriage return (the Rust
     * implementation's {@code is_other} tables hold no unassigned code points).
     */
    static boolean isBertControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE;
    }

    /** BERT whitespace: tab, newline, carriage return or White_Space. */
    static boolean isBertWhitespace(int c) {
        return isWhiteSpace(c);
    }

    /** The CJK ideograph blocks BERT surrounds with spaces. */
    static boolean isChineseChar(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** Whether the string holds only ASCII characters (normalisation is then the identity). */
    static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
