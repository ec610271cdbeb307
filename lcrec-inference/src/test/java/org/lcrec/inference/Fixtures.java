package org.lcrec.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/**
 * The tiny random decoders of {@code src/test/resources/org/lcrec/inference/decoder} (made by
 * {@code make_fixtures.py}): vocabulary 512, 2 layers, hidden 32, 4 heads, 2 KV heads; index tokens
 * {@code <a_c> -> 100 + c}, {@code <b_c> -> 200 + c}, {@code <c_c> -> 300 + c} for c < 16.
 */
final class Fixtures {
    static final int VOCAB = 512;
    static final int BOS = 1;
    static final int EOS = 2;
    static final int PAD = 0;

    private Fixtures() {}

    private static Path extracted;

    /**
     * The fixture directory: the resources themselves, or, when they are read from this module's
     * test-jar (lcrec-model's tests in a reactor {@code verify}), a copy in a temporary directory,
     * since ORT and the readers need real files.
     */
    static synchronized Path dir() {
        URI uri;
        try {
            uri = Fixtures.class.getResource("decoder/golden.json").toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (!"jar".equals(uri.getScheme())) {
            return Path.of(uri).getParent();
        }
        if (extracted == null) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                Path from = jar.provider().getPath(uri).getParent();
                Path to = Files.createTempDirectory("lcrec-inference-fixtures");
                try (Stream<Path> all = Files.walk(from)) {
                    for (Path p : (Iterable<Path>) all::iterator) {
                        Path target = to.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target);
                        }
                    }
                }
                extracted = to;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return extracted;
    }

    /** pos: with position_ids; nopos: without; beam: with position_ids and beam_idx. */
    static Path model(String variant) {
        return dir().resolve(variant);
    }

    static OrtCausalDecoder open(String variant) {
        return OrtCausalDecoder.open(model(variant), DecoderOptions.cpu().withIntraOpThreads(1));
    }

    /** The model as it is, its beam-step log-softmax in a second session. */
    static OrtCausalDecoder openUnedited(String variant) {
        Path dir = model(variant);
        return OrtCausalDecoder.open(
                dir.resolve("model.onnx"),
                DecoderConfig.read(dir.resolve("config.json")),
                DecoderOptions.cpu().withIntraOpThreads(1),
                false);
    }

    /** Read as a resource stream, so that it works from the test-jar too (lcrec-model's tests). */
    static Map<String, Integer> tokenMap() {
        try (java.io.InputStream in =
                Fixtures.class.getResourceAsStream("decoder/token-map.json")) {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(
                            in,
                            new com.fasterxml.jackson.core.type.TypeReference<
                                    Map<String, Integer>>() {});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode golden() {
        try {
            return new ObjectMapper().readTree(dir().resolve("golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A random collision-free 3-level index over codes < 16.
     *
     * @param items number of items (<= 4096)
     * @param seed the seed
     * @param codesPerLevel codes drawn per level (<= 16); small values give deep shared prefixes
     */
    static SemanticIndex randomIndex(int items, long seed, int codesPerLevel) {
        if (items > codesPerLevel * codesPerLevel * codesPerLevel) {
            throw new IllegalArgumentException(
                    items + " items do not fit " + codesPerLevel + "^3 distinct IDs");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Integer, SemanticId> m = new HashMap<>();
        java.util.Set<SemanticId> used = new java.util.HashSet<>();
        int id = 0;
        while (m.size() < items) {
            SemanticId s =
                    SemanticId.of(
                            rnd.nextInt(codesPerLevel),
                            rnd.nextInt(codesPerLevel),
                            rnd.nextInt(codesPerLevel));
            if (used.add(s)) {
                m.put(id, s);
                id += 1 + rnd.nextInt(3); // gaps in item ids
            }
        }
        return SemanticIndex.of(m);
    }

    static IndexVocabulary vocabulary(SemanticIndex index) {
        return IndexVocabulary.of(tokenMap(), index, VOCAB);
    }
}
