package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticIndex;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.export.ExportOptions;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;

/**
 * The beam-search graph ({@link DecoderExport#beamGraph}: each prompt's cache shared by its beams,
 * the LM head at the last position) against the general graph of the same export: the same
 * log-probabilities at every step of a beam search's call sequence, and the same rankings.
 */
class BeamGraphParityTest {
    /** float32 graphs that sum and normalise in a different order: agreement to 1e-5. */
    private static final double TOL = 1e-5;

    @TempDir static Path dir;

    private static DecoderConfig config;

    private static LlamaModel model;

    @BeforeAll
    static void export() {
        LlamaConfig c =
                LlamaConfig.builder()
                        .vocabSize(Fixtures.VOCAB)
                        .hiddenSize(32)
                        .intermediateSize(48)
                        .numLayers(2)
                        .numHeads(4)
                        .numKvHeads(2)
                        .eosTokenId(Fixtures.EOS)
                        .bosTokenId(Fixtures.BOS)
                        .build();
        model = LlamaModel.random(c, 23);
        DecoderExport.export(model, dir, ExportOptions.defaults());
        config = DecoderConfig.read(dir.resolve("config.json"));
    }

    private static OrtCausalDecoder open(boolean beamGraph) {
        return OrtCausalDecoder.open(
                dir.resolve("model.onnx"), config, DecoderOptions.cpu(), true, beamGraph);
    }

    private static void assertClose(FloatBuffer got, FloatBuffer want, int n, String what) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(got.get(i) - want.get(i)));
        }
        assertThat(worst).as(what + ": largest difference").isCloseTo(0, within(TOL));
    }

    @Test
    void exportWritesTheBeamGraphAndTheDecoderUsesItUnlessAskedNotTo() {
        assertThat(dir.resolve(DecoderExport.BEAM_MODEL_FILE)).isRegularFile();
        try (OrtCausalDecoder fast = open(true);
                OrtCausalDecoder general = open(false)) {
            assertThat(fast.sharesPromptCache()).isTrue();
            assertThat(fast.toString()).contains("promptCache=shared");
            assertThat(general.sharesPromptCache()).isFalse();
        }
    }

    @Test
    void everyStepGivesTheGeneralGraphsLogProbabilities() {
        int vocab = config.vocabularySize();
        int prompts = 3;
        int beams = 4;
        int[][] p = {{Fixtures.BOS, 40, 41}, {Fixtures.BOS, 7, 300, 301, 9, 12}, {5, 6, 7, 8}};
        int seq = 6;
        long[] ids = new long[prompts * seq];
        long[] mask = new long[prompts * seq];
        for (int u = 0; u < prompts; u++) {
            int pad = seq - p[u].length;
            for (int t = 0; t < seq; t++) {
                ids[u * seq + t] = t < pad ? config.padId() : p[u][t - pad];
                mask[u * seq + t] = t < pad ? 0 : 1;
            }
        }
        SplittableRandom rnd = new SplittableRandom(4);
        try (OrtCausalDecoder fast = open(true);
                OrtCausalDecoder general = open(false);
                DecoderRun a = fast.newBeamRun();
                DecoderRun b = general.newBeamRun()) {
            assertClose(
                    a.prefillLogProbs(ids, prompts, seq, mask),
                    b.prefillLogProbs(ids, prompts, seq, mask),
                    prompts * vocab,
                    "prefill");
            int rows = prompts * beams;
            for (int step = 0; step < 4; step++) {
                int group = step == 0 ? 1 : beams;
                int[] origin = new int[rows];
                for (int r = 0; r < rows; r++) {
                    // any row of the same prompt, repeats allowed, as beams reorder
                    origin[r] = (r / beams) * group + rnd.nextInt(group);
                }
                a.reorder(origin);
                b.reorder(origin);
                long[] next = new long[rows];
                for (int r = 0; r < rows; r++) {
                    next[r] = 3 + rnd.nextInt(vocab - 3);
                }
                assertClose(
                        a.stepLogProbs(next, rows),
                        b.stepLogProbs(next, rows),
                        rows * vocab,
                        "step " + step);
                assertThat(a.pastLength()).isEqualTo(b.pastLength());
            }
        }
    }

    @Test
    void batchedSearchesRankAsTheGeneralPathDoesWithAndWithoutExclusion() {
        SemanticIndex index = Fixtures.randomIndex(120, 8, 6);
        IndexVocabulary v = Fixtures.vocabulary(index);
        ItemTrie trie = ItemTrie.build(index, v, Fixtures.EOS);
        SplittableRandom rnd = new SplittableRandom(12);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> histories = new ArrayList<>();
        int[] items = index.itemIds();
        for (int u = 0; u < 7; u++) {
            int[] prompt = new int[2 + rnd.nextInt(12)];
            prompt[0] = Fixtures.BOS;
            for (int t = 1; t < prompt.length; t++) {
                prompt[t] = 3 + rnd.nextInt(Fixtures.VOCAB - 3);
            }
            prompts.add(prompt);
            histories.add(new int[] {items[rnd.nextInt(items.length)], items[u]});
        }
        try (OrtCausalDecoder fast = open(true);
                OrtCausalDecoder general = open(false)) {
            for (ItemTrie.Exclusion exclusion :
                    new ItemTrie.Exclusion[] {null, trie.exclude(histories)}) {
                List<BeamResult> got = BeamSearch.search(fast, trie, prompts, 15, exclusion);
                List<BeamResult> want = BeamSearch.search(general, trie, prompts, 15, exclusion);
                for (int u = 0; u < prompts.size(); u++) {
                    BeamResult g = got.get(u);
                    BeamResult w = want.get(u);
                    assertThat(g.size()).isEqualTo(w.size());
                    for (int i = 0; i < g.size(); i++) {
                        assertThat((double) g.scores()[i])
                                .as("prompt %d, rank %d", u, i)
                                .isCloseTo(w.scores()[i], within(1e-4));
                        boolean separated =
                                (i == 0 || w.scores()[i - 1] - w.scores()[i] > 2e-4)
                                        && (i + 1 >= w.size()
                                                || w.scores()[i] - w.scores()[i + 1] > 2e-4);
                        if (separated) {
                            assertThat(g.leaves()[i])
                                    .as("prompt %d, rank %d", u, i)
                                    .isEqualTo(w.leaves()[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aBeamRunRefusesCallsOutsideABeamSearchsSequence() {
        try (OrtCausalDecoder fast = open(true);
                DecoderRun run = fast.newBeamRun()) {
            assertThatThrownBy(() -> run.stepLogProbs(new long[] {5}, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("starts with prefillLogProbs");
            assertThatThrownBy(() -> run.forward(new long[] {5}, 1, 1, null))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("use newRun()");
            run.prefillLogProbs(new long[] {1, 5, 1, 6}, 2, 2, null);
            assertThatThrownBy(() -> run.reorder(new int[] {1, 0}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("keeps each row with its prompt");
            assertThatThrownBy(() -> run.reorder(new int[] {0, 0, 1}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected a multiple of 2 rows, found 3");
        }
    }

    @Test
    void aBeamGraphOfAnotherShapeIsRefusedByName(@TempDir Path other) throws Exception {
        for (String f : new String[] {"model.onnx", "config.json"}) {
            Files.copy(dir.resolve(f), other.resolve(f));
        }
        // a general graph under the beam graph's name
        Files.copy(dir.resolve("model.onnx"), other.resolve(DecoderExport.BEAM_MODEL_FILE));
        assertThatThrownBy(() -> OrtCausalDecoder.open(other, DecoderOptions.cpu()))
                .isInstanceOf(org.lcrec.core.MalformedFileException.class)
                .hasMessageContaining(DecoderExport.BEAM_MODEL_FILE)
                .hasMessageContaining("not a beam-search graph")
                .hasMessageContaining("prefix_mask");
    }

    @Test
    void withExternalWeightsTheBeamGraphReadsTheModelsDataFileAndGivesTheSameLogProbs(
            @TempDir Path ext) throws Exception {
        DecoderExport.export(
                model,
                ext,
                ExportOptions.defaults().withExternalData(ExportOptions.ExternalData.ALWAYS));
        try (var files = Files.list(ext)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly(
                            DecoderExport.BEAM_MODEL_FILE,
                            "config.json",
                            DecoderExport.MODEL_FILE,
                            DecoderExport.DATA_FILE);
        }
        // the weights are on disk once: the beam graph holds only its structure and constants
        long weights = model.weights().totalSize() * 4;
        assertThat(Files.size(ext.resolve(DecoderExport.DATA_FILE)))
                .isGreaterThanOrEqualTo(weights);
        assertThat(Files.size(ext.resolve(DecoderExport.BEAM_MODEL_FILE)))
                .isLessThan(Files.size(dir.resolve(DecoderExport.BEAM_MODEL_FILE)) - weights / 2);
        long[] ids = {Fixtures.BOS, 40, 41, 7, Fixtures.BOS, 300, 301, 9};
        try (OrtCausalDecoder inline = open(true);
                OrtCausalDecoder shared =
                        OrtCausalDecoder.open(
                                ext.resolve("model.onnx"),
                                config,
                                DecoderOptions.cpu(),
                                true,
                                true);
                DecoderRun a = inline.newBeamRun();
                DecoderRun b = shared.newBeamRun()) {
            assertThat(shared.sharesPromptCache()).isTrue();
            FloatBuffer x = a.prefillLogProbs(ids, 2, 4, null);
            FloatBuffer y = b.prefillLogProbs(ids, 2, 4, null);
            for (int i = 0; i < 2 * config.vocabularySize(); i++) {
                assertThat(y.get(i)).as("log-prob %d", i).isEqualTo(x.get(i));
            }
        }
    }
}
