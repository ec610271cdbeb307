package org.lcrec.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding as Hugging Face defines it: a word starts as one symbol per character (or per
 * UTF-8 byte for byte-level vocabularies), then the adjacent pair with the lowest merge rank is
 * merged, leftmost first, until no pair has a rank. Characters missing from the vocabulary fall
 * back to {@code <0xNN>} byte tokens when {@code byte_fallback} is set, else to the unknown token
 * (consecutive ones fused when {@code fuse_unk}), else are dropped.
 *
 * @implNote Thread-safe. Merging uses a binary heap of (rank, position): O(n log n) per word, so
 *     SentencePiece-style models that see whole sentences as one word stay fast. Words of at most
 *     {@value #CACHE_WORD_LIMIT} chars are cached (at most {@value #CACHE_CAPACITY} of them).
 */
final class BpeModel extends VocabularyModel {
    static final int CACHE_WORD_LIMIT = 64;
    static final int CACHE_CAPACITY = 200_000;

    /** The SentencePiece space, U+2581. */
    static final String META = "\u2581";

    private final PairMap merges;
    private final boolean byteLevel;
    private final int[] byteIds;
    private final int[] fallbackIds;
    private final boolean byteFallback;
    private final int unkId;
    private final boolean fuseUnk;
    private final String prefix;
    private final String suffix;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * Whether words may be cut before every run of U+2581 (the SentencePiece space) that follows
     * another character: true when no token a merge produces holds a non-U+2581 character followed
     * by U+2581, so no merge can cross such a cut and each piece can be merged (and cached) on its
     * own with the same result. This makes whole-sentence SentencePiece BPE cache-friendly.
     */
    private final boolean metaSplit;

    /** Ids of single BMP characters (-1 = not in the vocabulary), when no prefix/suffix applies. */
    private final int[] charIds;

    private BpeModel(
            Map<String, Integer> vocab,
            PairMap merges,
            boolean byteLevel,
            boolean byteFallback,
            int unkId,
            boolean fuseUnk,
            String prefix,
            String suffix,
            boolean ignoreMerges,
            boolean mergesCrossMeta,
            String where) {
        super(vocab);
        this.merges = merges;
        this.byteLevel = byteLevel;
        this.byteFallback = byteFallback;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.prefix = prefix;
        this.suffix = suffix;
        this.ignoreMerges = ignoreMerges;
        this.metaSplit =
                !byteLevel
                        && !mergesCrossMeta
                        && prefix.isEmpty()
                        && suffix.isEmpty()
                        && vocab.containsKey(META);
        this.byteIds = new int[256];
        this.fallbackIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.toChar(b)));
            byteIds[b] = id == null ? -1 : id;
            Integer f = vocab.get(String.format(java.util.Locale.ROOT, "<0x%02X>", b));
            fallbackIds[b] = f == null ? -1 : f;
        }
        this.charIds = new int[0x10000];
        java.util.Arrays.fill(charIds, -1);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().length() == 1) {
                charIds[e.getKey().charAt(0)] = e.getValue();
            }
        }
        if (byteLevel && prefix.isEmpty() && suffix.isEmpty()) {
            for (int b = 0; b < 256; b++) {
                if (byteIds[b] < 0) {
                    throw new TokenizerException(
                            where
                                    + ": byte-level vocabulary lacks the token for byte "
                                    + b
                                    + " (\""
                                    + ByteLevel.toChar(b)
                                    + "\")");
                }
            }
        }
    }

    static BpeModel fromJson(JsonNode model, boolean byteLevel, String source, int addedTokens) {
        String where = source + ": model (BPE)";
        if (model.hasNonNull("dropout") && model.get("dropout").asDouble() > 0) {
            throw new TokenizerException(
                    where + ": dropout > 0 is not supported (found " + model.get("dropout") + ")");
        }
        Map<String, Integer> vocab = WordPieceModel.readVocab(model, where, addedTokens);
        String unk = Json.textOrNull(model, "unk_token");
        int unkId = -1;
        if (unk != null) {
            Integer id = vocab.get(unk);
            if (id == null) {
                throw new TokenizerException(
                        where + ": unk_token \"" + unk + "\" is not in the vocab");
            }
            unkId = id;
        }
        String prefix = Json.textOrNull(model, "continuing_subword_prefix");
        String suffix = Json.textOrNull(model, "end_of_word_suffix");
        prefix = prefix == null ? "" : prefix;
        suffix = suffix == null ? "" : suffix;
        JsonNode list = model.get("merges");
        if (list == null || !list.isArray()) {
            throw new TokenizerException(
                    where
                            + ": expected array \"merges\", found "
                            + (list == null ? "nothing" : list.getNodeType()));
        }
        PairMap merges = new PairMap(list.size());
        boolean mergesCrossMeta = false;
        for (int rank = 0; rank < list.size(); rank++) {
            JsonNode m = list.get(rank);
            String a;
            String b;
            if (m.isArray() && m.size() == 2) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else if (m.isTextual()) {
                String t = m.asText();
                int sp = t.indexOf(' ');
                if (sp < 0 || t.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerException(
                            where + ": merge " + rank + ": expected \"a b\", found \"" + t + "\"");
                }
                a = t.substring(0, sp);
                b = t.substring(sp + 1);
            } else {
                throw new TokenizerException(
                        where + ": merge " + rank + ": expected \"a b\" or [a, b], found " + m);
            }
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            String merged = a + (b.length() >= prefix.length() ? b.substring(prefix.length()) : "");
            Integer im = vocab.get(merged);
            if (ia == null || ib == null || im == null) {
                throw new TokenizerException(
                        where
                                + ": merge "
                                + rank
                                + " (\""
                                + a
                                + "\", \""
                                + b
                                + "\"): token \""
                                + (ia == null ? a : ib == null ? b : merged)
                                + "\" is not in the vocab");
            }
            merges.put(ia, ib, ((long) rank << 32) | im);
            mergesCrossMeta |= crossesMeta(merged);
        }
        return new BpeModel(
                vocab,
                merges,
                byteLevel,
                model.path("byte_fallback").asBoolean(false),
                unkId,
                model.path("fuse_unk").asBoolean(false),
                prefix,
                suffix,
                model.path("ignore_merges").asBoolean(false),
                mergesCrossMeta,
                where);
    }

    /** Whether a token holds a character other than U+2581 followed by U+2581. */
    static boolean crossesMeta(String token) {
        for (int i = 1; i < token.length(); i++) {
            if (token.charAt(i) == '\u2581' && token.charAt(i - 1) != '\u2581') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void tokenize(String word, IntList out) {
        if (metaSplit) {
            int start = 0;
            for (int i = 1, n = word.length(); i < n; i++) {
                if (word.charAt(i) == '\u2581' && word.charAt(i - 1) != '\u2581') {
                    tokenizePiece(word.substring(start, i), out);
                    start = i;
                }
            }
            tokenizePiece(start == 0 ? word : word.substring(start), out);
            return;
        }
        tokenizePiece(word, out);
    }

    private void tokenizePiece(String word, IntList out) {
        boolean cacheable = word.length() <= CACHE_WORD_LIMIT;
        if (cacheable) {
            int[] hit = cache.get(word);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        int[] ids = segment(word);
        if (cacheable && cache.size() < CACHE_CAPACITY) {
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] segment(String word) {
        int[] symbols;
        int n;
        if (byteLevel && prefix.isEmpty() && suffix.isEmpty()) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            if (ignoreMerges) {
                Integer whole = vocab.get(ByteLevel.map(bytes));
                if (whole != null) {
                    return new int[] {whole};
                }
            }
            n = bytes.length;
            symbols = new int[n];
            for (int i = 0; i < n; i++) {
                symbols[i] = byteIds[bytes[i] & 0xFF];
            }
        } else {
            String w = byteLevel ? ByteLevel.map(word.getBytes(StandardCharsets.UTF_8)) : word;
            if (ignoreMerges) {
                Integer whole = vocab.get(w);
                if (whole != null) {
                    return new int[] {whole};
                }
            }
            IntList list = new IntList(w.length());
            initialSymbols(w, list);
            symbols = list.toArray();
            n = symbols.length;
        }
        if (n <= 1) {
            return symbols;
        }
        return merge(symbols, n);
    }

    private void initialSymbols(String w, IntList out) {
        int len = w.length();
        boolean lastUnk = false;
        for (int i = 0; i < len; ) {
            int cp = w.codePointAt(i);
            int next = i + Character.charCount(cp);
            int id;
            if (cp < 0x10000 && prefix.isEmpty() && suffix.isEmpty()) {
                id = charIds[cp];
            } else {
                String s = w.substring(i, next);
                if (!prefix.isEmpty() && i > 0) {
                    s = prefix + s;
                }
                if (!suffix.isEmpty() && next == len) {
                    s = s + suffix;
                }
                Integer boxed = vocab.get(s);
                id = boxed == null ? -1 : boxed;
            }
            i = next;
            if (id >= 0) {
                out.add(id);
                lastUnk = false;
                continue;
            }
            if (byteFallback) {
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bytes) {
                    all &= fallbackIds[b & 0xFF] >= 0;
                }
                if (all) {
                    for (byte b : bytes) {
                        out.add(fallbackIds[b & 0xFF]);
                    }
                    lastUnk = false;
                    continue;
                }
            }
            if (unkId >= 0) {
                if (!(fuseUnk && lastUnk)) {
                    out.add(unkId);
                }
                lastUnk = true;
            }
        }
    }

    /** Heap-driven merging; symbols[] holds ids, linked by prev/next. */
    private int[] merge(int[] sym, int n) {
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(sym[i], sym[i + 1]);
            if (m >= 0) {
                heap.push((m & 0xFFFFFFFF00000000L) | i);
            }
        }
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (sym[pos] < 0) {
                continue;
            }
            int right = next[pos];
            if (right < 0) {
                continue;
            }
            long m = merges.get(sym[pos], sym[right]);
            if (m < 0 || (int) (m >>> 32) != rank) {
                continue; // stale entry: the pair at pos changed since it was pushed
            }
            sym[pos] = (int) m;
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            alive--;
            int before = prev[pos];
            if (before >= 0) {
                long mb = merges.get(sym[before], sym[pos]);
                if (mb >= 0) {
                    heap.push((mb & 0xFFFFFFFF00000000L) | before);
                }
            }
            if (after >= 0) {
                long ma = merges.get(sym[pos], sym[after]);
                if (ma >= 0) {
                    heap.push((ma & 0xFFFFFFFF00000000L) | pos);
                }
            }
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = sym[i];
        }
        return out;
    }

    /** Open-addressing map from an id pair to a long value ((rank << 32) | merged id). */
    static final class PairMap {
        private final long[] keys;
        private final long[] values;
        private final int mask;

        PairMap(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new long[cap];
            values = new long[cap];
            mask = cap - 1;
            Arrays.fill(keys, -1L);
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        void put(int a, int b, long value) {
            long key = ((long) a << 32) | (b & 0xFFFFFFFFL);
            int i = hash(key) & mask;
            while (keys[i] != -1L && keys[i] != key) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = value;
        }

        /**
         * @return the value, or -1
         */
        long get(int a, int b) {
            long key = ((long) a << 32) | (b & 0xFFFFFFFFL);
            int i = hash(key) & mask;
            while (true) {
                long k = keys[i];
                if (k == key) {
                    return values[i];
                }
                if (k == -1L) {
                    return -1L;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /** Binary min-heap of longs. */
    static final class LongHeap {
        private long[] data;
        private int size;

        LongHeap(int capacity) {
            data = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (data[p] <= v) {
                    break;
                }
                data[i] = data[p];
                i = p;
            }
            data[i] = v;
        }

        long pop() {
            long top = data[0];
            long last = data[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                if (c + 1 < size && data[c + 1] < data[c]) {
                    c++;
                }
                if (data[c] >= last) {
                    break;
                }
                data[i] = data[c];
                i = c;
            }
            data[i] = last;
            return top;
        }
    }
}
