package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.UnknownItemPolicy;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.ParameterStore;
import org.lcrec.onnx.Safetensors;

class SasRecModelTest {
    private static final int ITEMS = 17;
    private static final int[] IDS = TinySasRec.itemIds(ITEMS);

    private static SasRecModel randomModel() {
        SasRecConfig c = TinySasRec.fast().build();
        return TinySasRec.model(c, IDS, TinySasRec.randomStore(ITEMS, c, 8));
    }

    /** Item ids by descending score, then ascending id: the ranking spelled out by sorting. */
    private static int[] sortedBy(float[] scores, int[] items) {
        return IntStream.range(0, items.length)
                .boxed()
                .sorted(
                        Comparator.<Integer>comparingDouble(j -> -scores[j])
                                .thenComparingInt(j -> items[j]))
                .mapToInt(j -> items[j])
                .toArray();
    }

    @Test
    void recommendIsTheTopOfTheScoresWithHistoryExcludedOnRequest() {
        try (SasRecModel m = randomModel()) {
            int[] items = m.items();
            assertThat(items).isSorted().containsExactlyInAnyOrder(IDS);
            int[] history = {IDS[3], IDS[9], IDS[3], IDS[14]};
            float[] s = m.scores(history);
            int[] all = sortedBy(s, items);
            assertThat(m.recommend(history, 5, false)).containsExactly(Arrays.copyOf(all, 5));
            assertThat(m.recommend(history, ITEMS + 10, false)).containsExactly(all);
            int[] rest =
                    Arrays.stream(all)
                            .filter(id -> id != IDS[3] && id != IDS[9] && id != IDS[14])
                            .toArray();
            assertThat(m.recommend(history, 5, true)).containsExactly(Arrays.copyOf(rest, 5));
            assertThat(m.recommend(history, 100, true)).hasSize(ITEMS - 3).containsExactly(rest);
            int[][] batch =
                    m.recommend(
                            List.of(history, new int[] {IDS[0]}), 3, true, UnknownItemPolicy.FAIL);
            assertThat(batch[0]).containsExactly(Arrays.copyOf(rest, 3));
            assertThat(batch[1]).hasSize(3).doesNotContain(IDS[0]);
            assertThatThrownBy(() -> m.recommend(history, 0, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("k must be >= 1, found 0");
        }
    }

    @Test
    void tiesGoToTheLowerItemId() {
        SasRecConfig c = TinySasRec.fast().build();
        ParameterStore store = TinySasRec.randomStore(ITEMS, c, 9);
        // items with all-zero embeddings score exactly 0 whatever the history
        Parameter e = store.get(SasRecGraph.ITEM_EMBEDDING);
        float[] v = e.toArray();
        int d = c.hiddenSize();
        int[] zeroRows = {2, 5, 11, 13};
        for (int r : zeroRows) {
            Arrays.fill(v, r * d, (r + 1) * d, 0f);
        }
        e.set(v);
        try (SasRecModel m = TinySasRec.model(c, IDS, store)) {
            int[] history = {m.items()[0], m.items()[1]};
            float[] s = m.scores(history);
            for (int r : zeroRows) {
                assertThat(s[r]).isZero();
            }
            int[] ranked = m.recommend(history, ITEMS, false);
            int[] zeroIds = Arrays.stream(zeroRows).map(r -> m.items()[r]).toArray();
            int[] positions =
                    Arrays.stream(zeroIds)
                            .map(id -> Arrays.stream(ranked).boxed().toList().indexOf(id))
                            .toArray();
            // consecutive (nothing else scores exactly 0) and in ascending id order
            assertThat(positions[3] - positions[0]).isEqualTo(3);
            assertThat(Arrays.copyOfRange(ranked, positions[0], positions[0] + 4))
                    .containsExactly(zeroIds);
        }
    }

    @Test
    void unknownItemsFailOrAreSkippedAndEmptyHistoriesFail() {
        try (SasRecModel m = randomModel()) {
            int unknown = 999_999;
            assertThat(m.knows(unknown)).isFalse();
            assertThat(m.knows(IDS[1])).isTrue();
            assertThatThrownBy(() -> m.scores(new int[] {IDS[1], unknown}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                            "history 0: item 999999 at position 1 is not one of the"
                                    + " model's 17 items");
            float[][] skipped =
                    m.scores(List.of(new int[] {IDS[1], unknown, IDS[2]}), UnknownItemPolicy.SKIP);
            assertThat(skipped[0]).containsExactly(m.scores(new int[] {IDS[1], IDS[2]}));
            assertThatThrownBy(() -> m.scores(new int[0]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("history 0 is empty: SASRec needs at least one item");
            assertThatThrownBy(
                            () ->
                                    m.recommend(
                                            List.of(new int[] {IDS[0]}, new int[] {unknown}),
                                            3,
                                            true,
                                            UnknownItemPolicy.SKIP))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("history 1: none of its 1 items is known");
        }
    }

    @Test
    void aLongHistoryReadsItsMostRecentMaxLengthItems() {
        try (SasRecModel m = randomModel()) {
            int[] longOne = {IDS[0], IDS[1], IDS[2], IDS[3], IDS[4], IDS[5], IDS[6], IDS[7]};
            int[] recent = Arrays.copyOfRange(longOne, 2, 8); // maxLength 6
            assertThat(m.scores(longOne)).containsExactly(m.scores(recent));
        }
    }

    @Test
    void saveAndLoadRoundTripsScoresConfigAndHistory(@TempDir Path dir) {
        SasRecConfig cfg = TinySasRec.fast().maxEpochs(2).validationUsers(10).build();
        SasRecHistory history =
                new SasRecHistory(
                        List.of(2.5, 2.25),
                        List.of(0.5, 0.4),
                        List.of(Double.NaN, 0.125),
                        2,
                        false,
                        1,
                        30,
                        120);
        SasRecModel m =
                new SasRecModel(
                        cfg,
                        ItemVocabulary.of(IDS),
                        TinySasRec.randomStore(ITEMS, cfg, 10),
                        history);
        try {
            m.save(dir);
            assertThat(dir.resolve(SasRecModel.CONFIG_FILE)).isRegularFile();
            try (SasRecModel back = SasRecModel.load(dir)) {
                assertThat(back.config()).isEqualTo(m.config());
                assertThat(back.history()).isEqualTo(history);
                assertThat(back.items()).containsExactly(m.items());
                int[] h = {m.items()[3], m.items()[7]};
                assertThat(back.scores(h)).containsExactly(m.scores(h));
            }
        } finally {
            m.close();
        }
        m.close(); // idempotent
        assertThatThrownBy(() -> m.scores(new int[] {m.items()[0]}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SasRecModel is closed");
    }

    @Test
    void loadingRefusesNanWeightsUnknownVersionsAndOtherFormats(@TempDir Path dir)
            throws IOException {
        try (SasRecModel m = randomModel()) {
            m.save(dir);
        }
        Path weights = dir.resolve(SasRecModel.WEIGHTS_FILE);
        Safetensors.Contents c = Safetensors.read(weights);
        Map<String, HostTensor> t = new LinkedHashMap<>(c.tensors());
        String key = "blocks.1.ffn.up.weight";
        float[] v = t.get(key).toFloatArray();
        v[5] = Float.NaN;
        t.put(key, HostTensor.ofFloats(v, t.get(key).shape()));
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.copy(dir.resolve(SasRecModel.CONFIG_FILE), bad.resolve(SasRecModel.CONFIG_FILE));
        Safetensors.write(bad.resolve(SasRecModel.WEIGHTS_FILE), t, c.metadata());
        assertThatThrownBy(() -> SasRecModel.load(bad))
                .isInstanceOf(SasRecException.class)
                .hasMessageContaining(bad.resolve(SasRecModel.WEIGHTS_FILE).toString())
                .hasMessageContaining("tensor '" + key + "'")
                .hasMessageContaining("found NaN at index 5");

        Path cfg = dir.resolve(SasRecModel.CONFIG_FILE);
        String json = Files.readString(cfg);
        Files.writeString(cfg, json.replace("\"version\" : 1", "\"version\" : 2"));
        assertThatThrownBy(() -> SasRecModel.load(dir))
                .isInstanceOf(SasRecException.class)
                .hasMessageContaining(
                        "unknown lcrec-sasrec version 2 (this build reads version 1)");
        Files.writeString(cfg, json.replace("lcrec-sasrec", "something-else"));
        assertThatThrownBy(() -> SasRecModel.load(dir))
                .isInstanceOf(SasRecException.class)
                .hasMessageContaining(
                        "format: expected \"lcrec-sasrec\", found \"something-else\"");
        assertThatThrownBy(() -> SasRecModel.load(dir.resolve("nothing-here")))
                .isInstanceOf(SasRecException.class)
                .hasMessageContaining("not a SASRec model directory");
    }
}
