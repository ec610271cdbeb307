package org.lcrec.model.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.testing.SharedData;

/** The bundled MiniLM encoder: batching invariance, pooling, the catalogue cache, bad input. */
class TextEncoderTest {
    private static TextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder =
                TextEncoder.miniLm(TextEncoderConfig.defaults().withBatchSize(8).withNumThreads(2));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static List<String> mixedTexts() {
        List<String> t = new ArrayList<>();
        t.add("a");
        t.add("Stainless steel dishwasher-safe instant thermometer with calibration tool.");
        t.add(".");
        t.add(
                "Laboratory glassware: borosilicate beakers, 250 ml, pack of 12, graduated. "
                        .repeat(12));
        t.add("Nitrile gloves");
        t.add("Caf\u00e9 \u4f60\u597d \ud83d\ude00");
        for (int i = 0; i < 13; i++) {
            t.add("item number " + i + " " + "word ".repeat(i * 3));
        }
        return t;
    }

    @Test
    void oneAtATimeEqualsMixedLengthBatches() {
        List<String> texts = mixedTexts();
        float[][] batched = encoder.encode(texts);
        assertThat(batched).hasNumberOfRows(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] single = encoder.encode(texts.get(i));
            assertThat(single).hasSize(384);
            for (int k = 0; k < single.length; k++) {
                assertThat(batched[i][k])
                        .as("text %d dim %d", i, k)
                        .isCloseTo(single[k], within(1e-5f));
            }
        }
    }

    @Test
    void normalisedEmbeddingsHaveUnitNormAndMeaningfulNeighbours() {
        float[][] e =
                encoder.encode(
                        List.of(
                                "a small dog playing in the park",
                                "a puppy runs on the grass",
                                "quarterly stock market report"));
        for (float[] v : e) {
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            assertThat(Math.sqrt(n)).isCloseTo(1.0, within(1e-5));
        }
        assertThat(dot(e[0], e[1])).isGreaterThan(dot(e[0], e[2]) + 0.2);
    }

    @Test
    void unnormalisedMeanPoolingScalesToTheNormalisedVector() {
        try (TextEncoder raw =
                TextEncoder.miniLm(
                        TextEncoderConfig.defaults().withNormalize(false).withNumThreads(2))) {
            float[] a = raw.encode("precision screwdriver set");
            float[] b = encoder.encode("precision screwdriver set");
            double n = Math.sqrt(dot(a, a));
            assertThat(n)
                    .isGreaterThan(1.5); // MiniLM's raw mean-pooled vectors are not unit length
            for (int k = 0; k < a.length; k++) {
                assertThat(a[k] / n).isCloseTo(b[k], within(1e-5));
            }
            assertThat(raw.id()).isNotEqualTo(encoder.id()).contains("normalize=false");
        }
    }

    @Test
    void truncationToMaxLength() {
        try (TextEncoder shortEnc =
                TextEncoder.miniLm(
                        TextEncoderConfig.defaults().withMaxLength(8).withNumThreads(2))) {
            String longText = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda";
            String prefix = "alpha beta gamma delta epsilon zeta"; // 6 word pieces + CLS + SEP = 8
            float[] a = shortEnc.encode(longText);
            float[] b = shortEnc.encode(prefix);
            for (int k = 0; k < a.length; k++) {
                assertThat(a[k]).isCloseTo(b[k], within(1e-5f));
            }
        }
    }

    @Test
    void progressIsReportedPerBatch() {
        List<int[]> calls = new ArrayList<>();
        encoder.encode(mixedTexts(), (done, total) -> calls.add(new int[] {done, total}));
        assertThat(calls).hasSize(3);
        assertThat(calls.get(2)).containsExactly(19, 19);
    }

    @Test
    void catalogueCacheHitsStaleAndForeign(@TempDir Path dir) {
        ItemCatalog catalog = industrialSubset(40);
        Path npy = dir.resolve("emb.npy");
        AtomicInteger progress = new AtomicInteger();
        EmbeddingCache.Result first =
                EmbeddingCache.embed(
                        encoder, catalog, ItemTexts.lcRec(), npy, (d, t) -> progress.set(d));
        assertThat(first.fromCache()).isFalse();
        assertThat(progress.get()).isEqualTo(80);
        assertThat(Npy.read(npy)).isDeepEqualTo(first.embeddings());
        // item embedding = mean of the title and description embeddings, renormalised
        Item it = catalog.items().get(5);
        float[][] fields = encoder.encode(ItemTexts.lcRec().fields(it));
        float[] mean = new float[384];
        for (int k = 0; k < 384; k++) {
            mean[k] = (fields[0][k] + fields[1][k]) / 2;
        }
        TextEncoder.l2Normalize(mean);
        for (int k = 0; k < 384; k++) {
            assertThat(first.embeddings()[5][k]).isCloseTo(mean[k], within(1e-5f));
        }

        EmbeddingCache.Result second =
                EmbeddingCache.embed(
                        encoder, catalog, ItemTexts.lcRec(), npy, TextEncoder.Progress.NONE);
        assertThat(second.fromCache()).isTrue();
        assertThat(second.embeddings()).isDeepEqualTo(first.embeddings());

        List<Item> changed = new ArrayList<>(catalog.items());
        Item old = changed.get(0);
        changed.set(
                0,
                new Item(
                        old.id(),
                        old.title() + " (new edition)",
                        old.description(),
                        old.brand(),
                        old.categories()));
        EmbeddingCache.Result third =
                EmbeddingCache.embed(
                        encoder,
                        ItemCatalog.of(changed),
                        ItemTexts.lcRec(),
                        npy,
                        TextEncoder.Progress.NONE);
        assertThat(third.fromCache()).isFalse();
        assertThat(third.embeddings()[1]).containsExactly(first.embeddings()[1]);
        assertThat(third.embeddings()[0]).isNotEqualTo(first.embeddings()[0]);

        try (TextEncoder other =
                TextEncoder.miniLm(
                        TextEncoderConfig.defaults().withMaxLength(64).withNumThreads(2))) {
            assertThatThrownBy(
                            () ->
                                    EmbeddingCache.embed(
                                            other,
                                            ItemCatalog.of(changed),
                                            ItemTexts.lcRec(),
                                            npy,
                                            TextEncoder.Progress.NONE))
                    .isInstanceOf(EncoderException.class)
                    .hasMessageContaining("cache written by encoder")
                    .hasMessageContaining("maxLength=256")
                    .hasMessageContaining("maxLength=64");
        }
    }

    /** The whole Industrial catalogue (3,686 items), written and re-read from the cache. */
    @Tag("slow")
    @Test
    void industrialCatalogueWrittenAndReadFromCache(@TempDir Path dir) {
        ItemCatalog catalog = Dataset.load(SharedData.dir("industrial")).items();
        Path npy = dir.resolve("Industrial.emb-minilm-td.npy");
        EmbeddingCache.Result first =
                EmbeddingCache.embed(
                        encoder, catalog, ItemTexts.lcRec(), npy, TextEncoder.Progress.NONE);
        assertThat(first.embeddings()).hasNumberOfRows(catalog.size());
        EmbeddingCache.Result second =
                EmbeddingCache.embed(
                        encoder, catalog, ItemTexts.lcRec(), npy, TextEncoder.Progress.NONE);
        assertThat(second.fromCache()).isTrue();
        assertThat(second.embeddings()).isDeepEqualTo(first.embeddings());
    }

    @Test
    void badInputIsRejectedClearly(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> encoder.encode(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("texts[1] is null");
        assertThatThrownBy(() -> encoder.encode((String) null)).hasMessageContaining("null");
        assertThatThrownBy(
                        () ->
                                TextEncoder.open(
                                        dir.resolve("nothing"), TextEncoderConfig.defaults()))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("nothing");
        assertThatThrownBy(() -> TextEncoder.open(dir, TextEncoderConfig.defaults()))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("model.onnx");
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> TextEncoder.open(dir, TextEncoderConfig.defaults()))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("tokenizer.json");
        assertThatThrownBy(() -> new TextEncoderConfig(1, 8, true, 1))
                .hasMessageContaining("maxLength");
        TextEncoder closed = TextEncoder.miniLm(TextEncoderConfig.defaults().withNumThreads(1));
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.encode("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void userModelDirectoryWorksLikeTheBundledModel(@TempDir Path dir) throws IOException {
        try (var in = TextEncoder.class.getResourceAsStream(TextEncoder.MINILM_MODEL_RESOURCE)) {
            Files.copy(in, dir.resolve("model.onnx"));
        }
        try (var in =
                TextEncoder.class.getResourceAsStream(TextEncoder.MINILM_TOKENIZER_RESOURCE)) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        try (TextEncoder user =
                TextEncoder.open(dir, TextEncoderConfig.defaults().withNumThreads(2))) {
            assertThat(user.dimension()).isEqualTo(384);
            assertThat(user.encode("glass beaker")).containsExactly(encoder.encode("glass beaker"));
        }
    }

    static ItemCatalog industrialSubset(int n) {
        ItemCatalog all = Dataset.load(SharedData.dir("industrial")).items();
        return ItemCatalog.of(all.items().subList(0, n));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
