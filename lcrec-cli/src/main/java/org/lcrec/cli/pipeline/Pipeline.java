package org.lcrec.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.cli.ProgressBar;
import org.lcrec.core.MalformedFileException;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;

/**
 * Runs stages in order under one output directory, skipping each stage whose {@code done.json}
 * records the same fingerprint (chained with the fingerprints of all earlier stages). A crash
 * leaves finished stages marked and the unfinished one without a marker, so rerunning picks up
 * where the run stopped.
 */
public final class Pipeline {
    /** Version of the {@code done.json} marker format. */
    public static final int MARKER_VERSION = 1;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final PrintWriter out;
    private final List<Stage> stages = new ArrayList<>();

    /**
     * The outcome of one stage.
     *
     * @param name the stage
     * @param seconds time the stage took to compute (in the run that computed it, when reused)
     * @param reused whether a previous run's result was reused
     * @param figures the stage's summary figures
     */
    public record StageResult(
            String name, double seconds, boolean reused, Map<String, Object> figures) {
        /** Copies the figures (keeping their order) into an unmodifiable map. */
        public StageResult {
            figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        }
    }

    /**
     * @param root the run directory
     * @param out where to report progress
     */
    public Pipeline(Path root, PrintWriter out) {
        this.root = root;
        this.out = out;
    }

    /**
     * @param stage the next stage
     * @return this pipeline
     */
    public Pipeline add(Stage stage) {
        stages.add(stage);
        return this;
    }

    /**
     * Runs (or reuses) every stage.
     *
     * @return each stage's result, in order
     */
    public List<StageResult> run() {
        // every stage directory stays inside the root, checked before any stage runs
        Map<Stage, Path> dirs = new LinkedHashMap<>();
        for (Stage stage : stages) {
            try {
                dirs.put(
                        stage,
                        FileChecks.resolveInside(
                                root,
                                stage.name(),
                                "directory",
                                "stage '" + FileChecks.abbreviate(stage.name()) + "'"));
            } catch (MalformedFileException e) {
                // a stage name is an argument of this API, not something read from a file
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        List<StageResult> results = new ArrayList<>();
        String chain = "";
        boolean invalidated = false;
        for (Stage stage : stages) {
            Map<String, Object> fp = new LinkedHashMap<>(stage.fingerprint());
            fp.put("previous", chain);
            String hash = sha256(stage.name() + "\n" + fp);
            chain = hash;
            Path dir = dirs.get(stage);
            Path marker = dir.resolve("done.json");
            if (!invalidated && matches(marker, hash)) {
                out.printf(Locale.ROOT, "%-10s reused from %s%n", stage.name(), dir);
                results.add(reused(stage.name(), marker));
                continue;
            }
            invalidated = true;
            try {
                Files.createDirectories(dir);
                Files.deleteIfExists(marker);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
            }
            out.printf(Locale.ROOT, "%-10s running ...%n", stage.name());
            out.flush();
            long t0 = System.nanoTime();
            Map<String, Object> figures;
            try {
                figures = stage.run(dir);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(
                        "stage " + stage.name() + " failed: " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", MARKER_VERSION);
            m.put("stage", stage.name());
            m.put("fingerprint", hash);
            m.put("inputs", fp);
            m.put("seconds", seconds);
            m.put("figures", figures);
            write(marker, m);
            out.printf(Locale.ROOT, "%-10s done in %s%n", stage.name(), ProgressBar.clock(seconds));
            results.add(new StageResult(stage.name(), seconds, false, figures));
        }
        return results;
    }

    private static boolean matches(Path marker, String hash) {
        if (!Files.exists(marker)) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(marker.toFile());
            return n.path("version").asInt() == MARKER_VERSION
                    && hash.equals(n.path("fingerprint").asText());
        } catch (IOException e) {
            return false; // a damaged marker means the stage reruns
        }
    }

    /** A reused stage's result: its figures and the time it took, from its marker. */
    @SuppressWarnings("unchecked")
    private static StageResult reused(String name, Path marker) {
        try {
            Map<String, Object> done = JSON.readValue(marker.toFile(), Map.class);
            Object f = done.get("figures");
            Map<String, Object> figures =
                    f instanceof Map<?, ?> ? (Map<String, Object>) f : Map.of();
            double took = done.get("seconds") instanceof Number n ? n.doubleValue() : 0;
            return new StageResult(name, took, true, figures);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            byte[] d =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    static void write(Path file, Object value) {
        AtomicFiles.write(file, o -> o.write(JSON.writeValueAsBytes(value)));
    }
}
