package org.lcrec.model.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.io.AtomicFiles;

/**
 * Item embeddings stored as {@code FILE.npy} (float32 {@code [items, dim]}, rows in ascending
 * item-id order) with a sidecar {@code FILE.npy.meta.json} naming the encoder and a SHA-256 of the
 * item texts. A second run with the same encoder and texts reads the file instead of recomputing;
 * changed texts (a stale cache) are recomputed; a cache written by another encoder is an error
 * rather than a silent overwrite.
 */
public final class EmbeddingCache {
    /** Version of the sidecar format. */
    public static final int VERSION = 1;

    private static final String FORMAT = "lcrec-embedding-cache";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EmbeddingCache() {}

    /**
     * The outcome of {@link #embed}.
     *
     * @param embeddings one row per item, ascending item id
     * @param fromCache whether they were read from the cache
     * @param textsHash the SHA-256 of the item texts
     */
    public record Result(float[][] embeddings, boolean fromCache, String textsHash) {
        /** Copies the rows. */
        public Result {
            embeddings = copy(embeddings);
        }

        /**
         * @return a copy of the rows, one per item
         */
        @Override
        public float[][] embeddings() {
            return copy(embeddings);
        }

        /**
         * @return the number of rows (items)
         */
        public int size() {
            return embeddings.length;
        }

        private static float[][] copy(float[][] rows) {
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                out[i] = rows[i].clone();
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && fromCache == r.fromCache
                    && textsHash.equals(r.textsHash)
                    && Arrays.deepEquals(embeddings, r.embeddings);
        }

        @Override
        public int hashCode() {
            return textsHash.hashCode() * 31 + Arrays.deepHashCode(embeddings);
        }

        @Override
        public String toString() {
            return "EmbeddingCache.Result(items="
                    + embeddings.length
                    + ", dim="
                    + (embeddings.length == 0 ? 0 : embeddings[0].length)
                    + ", fromCache="
                    + fromCache
                    + ")";
        }
    }

    /**
     * @param npy the embeddings file
     * @return its sidecar ({@code FILE.npy.meta.json})
     */
    public static Path metaFile(Path npy) {
        return npy.resolveSibling(npy.getFileName() + ".meta.json");
    }

    /**
     * SHA-256 over the item ids and field texts (length-prefixed UTF-8), in catalogue order.
     *
     * @param catalog the items
     * @param texts which fields are embedded
     * @return the hex digest
     */
    public static String hashTexts(ItemCatalog catalog, ItemTexts texts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        md.update(texts.toString().getBytes(StandardCharsets.UTF_8));
        for (Item it : catalog.items()) {
            update(md, Integer.toString(it.id()));
            for (String f : texts.fields(it)) {
                update(md, f);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(
                new byte[] {
                    (byte) (b.length >>> 24),
                    (byte) (b.length >>> 16),
                    (byte) (b.length >>> 8),
                    (byte) b.length
                });
        md.update(b);
    }

    /**
     * Embeds a catalogue, reading {@code npy} when it holds this encoder's embeddings of these
     * texts, else computing and writing it (and its sidecar) atomically.
     *
     * @param encoder the encoder
     * @param catalog the items
     * @param texts which fields
     * @param npy the cache / output file
     * @param progress encoding progress (not called on a cache hit)
     * @return the embeddings and whether they came from the cache
     * @throws EncoderException if the cache was written by another encoder
     */
    public static Result embed(
            TextEncoder encoder,
            ItemCatalog catalog,
            ItemTexts texts,
            Path npy,
            TextEncoder.Progress progress) {
        Objects.requireNonNull(npy, "npy");
        String hash = hashTexts(catalog, texts);
        float[][] cached = load(npy, encoder.id(), hash, catalog.size(), encoder.dimension());
        if (cached != null) {
            return new Result(cached, true, hash);
        }
        float[][] rows = encoder.encodeItems(catalog, texts, progress);
        store(npy, rows, encoder.id(), hash);
        return new Result(rows, false, hash);
    }

    /**
     * Reads a cache if it is current.
     *
     * @param npy the embeddings file
     * @param encoderId the encoder that must have written it
     * @param textsHash the hash the texts must have
     * @param rows expected rows
     * @param dim expected dimension
     * @return the embeddings, or {@code null} when there is no cache or it is stale
     * @throws EncoderException if the cache was written by another encoder or its sidecar is
     *     malformed or of an unknown version
     */
    public static float[][] load(Path npy, String encoderId, String textsHash, int rows, int dim) {
        Path meta = metaFile(npy);
        if (!Files.isRegularFile(npy) || !Files.isRegularFile(meta)) {
            return null;
        }
        JsonNode m;
        try {
            m = MAPPER.readTree(meta.toFile());
        } catch (IOException e) {
            throw new EncoderException(meta + ": not valid JSON: " + e.getMessage(), e);
        }
        if (m == null || !FORMAT.equals(m.path("format").asText())) {
            throw new EncoderException(
                    meta
                            + ": expected format \""
                            + FORMAT
                            + "\", found "
                            + (m == null ? "nothing" : m.path("format")));
        }
        int version = m.path("version").asInt(-1);
        if (version != VERSION) {
            throw new EncoderException(
                    meta
                            + ": unsupported cache version "
                            + m.path("version")
                            + " (expected "
                            + VERSION
                            + ")");
        }
        String writer = m.path("encoder").asText();
        if (!writer.equals(encoderId)) {
            throw new EncoderException(
                    npy
                            + ": cache written by encoder \""
                            + writer
                            + "\", this run uses \""
                            + encoderId
                            + "\"; delete "
                            + npy
                            + " and "
                            + meta
                            + " or choose another output file");
        }
        if (!textsHash.equals(m.path("texts_sha256").asText())
                || m.path("rows").asInt(-1) != rows
                || m.path("dim").asInt(-1) != dim) {
            return null; // stale: the catalogue changed
        }
        float[][] data = Npy.read(npy);
        if (data.length != rows || (rows > 0 && data[0].length != dim)) {
            return null;
        }
        return data;
    }

    /**
     * Writes embeddings and their sidecar, each atomically (the {@code .npy} first).
     *
     * @param npy the embeddings file
     * @param rows the embeddings
     * @param encoderId the encoder that computed them
     * @param textsHash the hash of the texts
     */
    public static void store(Path npy, float[][] rows, String encoderId, String textsHash) {
        Npy.write(npy, rows);
        ObjectNode m = MAPPER.createObjectNode();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("encoder", encoderId);
        m.put("texts_sha256", textsHash);
        m.put("rows", rows.length);
        m.put("dim", rows.length == 0 ? 0 : rows[0].length);
        m.put("row_order", "ascending item id");
        try {
            AtomicFiles.writeString(
                    metaFile(npy),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
        } catch (IOException e) {
            throw new EncoderException(metaFile(npy) + ": cannot write: " + e.getMessage(), e);
        }
    }
}
