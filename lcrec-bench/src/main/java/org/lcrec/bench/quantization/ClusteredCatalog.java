package org.lcrec.bench.quantization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.lcrec.core.Interactions;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.quantization.Embeddings;

/**
 * Writes the seeded catalogue the {@code lcrec index --method rqkmeans} timings are measured on: a
 * dataset directory in LC-Rec's layout whose only file, {@code Clustered.inter.json}, names every
 * item (users of {@value #ITEMS_PER_USER} consecutive items; no texts), and {@code
 * Clustered.emb.npy}, {@link Embeddings#gaussianClusters clustered Gaussian} embeddings with one
 * row per item.
 *
 * <p>Run: {@code java -cp lcrec-bench/target/benchmarks.jar
 * org.lcrec.bench.quantization.ClusteredCatalog DIR [items=400000] [dim=64] [clusters=1024]
 * [spread=2.0] [seed=18]}, then {@code java -jar lcrec-cli/target/lcrec.jar index --data DIR
 * --embeddings DIR/Clustered.emb.npy --method rqkmeans --out DIR/Clustered.index.json}.
 */
public final class ClusteredCatalog {
    /** Items per synthetic user; only makes the interaction file name every item once. */
    static final int ITEMS_PER_USER = 8;

    private ClusteredCatalog() {}

    /**
     * @param args directory, then optionally items, dim, clusters, spread, seed
     * @throws Exception if the files cannot be written
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 6) {
            System.err.println(
                    "usage: ClusteredCatalog DIR [items=400000] [dim=64] [clusters=1024]"
                            + " [spread=2.0] [seed=18]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 400_000;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int clusters = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        double spread = args.length > 4 ? Double.parseDouble(args[4]) : 2.0;
        long seed = args.length > 5 ? Long.parseLong(args[5]) : 18;
        Files.createDirectories(dir);
        Interactions.Builder b = Interactions.builder();
        for (int first = 0, user = 0; first < items; first += ITEMS_PER_USER, user++) {
            int last = Math.min(items, first + ITEMS_PER_USER);
            int[] seq = new int[last - first];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = first + i;
            }
            b.add("u" + user, seq);
        }
        LcRecFiles.writeInteractions(dir.resolve("Clustered.inter.json"), b.build());
        Embeddings.gaussianClusters(items, dim, clusters, spread, seed)
                .writeNpy(dir.resolve("Clustered.emb.npy"));
        System.out.printf(
                Locale.ROOT,
                "wrote %s: %,d items x %d, %d clusters, spread %.2f, seed %d%n",
                dir,
                items,
                dim,
                clusters,
                spread,
                seed);
    }
}
