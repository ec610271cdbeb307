package org.lcrec.core.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.lcrec.core.Interactions;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/**
 * Content fingerprints ({@code sha256:<hex>}) of the data a model was trained on, so that a model
 * bundle, a checkpoint or a cache can tell whether it belongs to the data at hand. They cover the
 * content only (users, their item sequences in order, each item's codes), not file layout or
 * whitespace.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /**
     * @param data the interactions
     * @param index the index, or null
     * @return the fingerprint of both
     */
    public static String of(Interactions data, SemanticIndex index) {
        MessageDigest md = sha256();
        ByteBuffer b = ByteBuffer.allocate(8);
        for (int r = 0; r < data.userCount(); r++) {
            md.update(data.user(r).getBytes(StandardCharsets.UTF_8));
            int[] seq = data.sequence(r);
            putInt(md, b, -1 - seq.length);
            for (int item : seq) {
                putInt(md, b, item);
            }
        }
        if (index != null) {
            putInt(md, b, Integer.MIN_VALUE);
            for (int item : index.itemIds()) {
                SemanticId id = index.get(item);
                putInt(md, b, item);
                for (int l = 0; l < id.levels(); l++) {
                    putInt(md, b, id.code(l));
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    private static void putInt(MessageDigest md, ByteBuffer b, int v) {
        b.clear();
        b.putInt(v);
        md.update(b.array(), 0, 4);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
