package org.lcrec.model.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.DecoderOptions;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.Recommendation;
import org.lcrec.inference.Recommender;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.inference.TextPrompts;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.tokenizers.Tokenizer;

/**
 * A bundle written by {@link BundleWriter} is all {@link Recommender#open(Path)} needs: the same
 * rankings as opening the bare export with the same prompts given by hand; and every way a bundle
 * can be incomplete or inconsistent is refused with a message naming the file.
 */
class BundleWriterTest {
    private static final TextTemplate PROMPT =
            new TextTemplate("seqrec-test", "the user bought", ", ", ". next:");

    private static SemanticIndex index;
    private static Tokenizer tokenizer;
    private static LlamaModel model;

    @BeforeAll
    static void fixtures() {
        Map<Integer, SemanticId> m = new HashMap<>();
        Random r = new Random(3);
        for (int item = 0; item < 40; item++) {
            // unique by construction: the last code is the item's position within its prefix
            m.put(item, SemanticId.of(item % 5, r.nextInt(4), item / 5));
        }
        index = SemanticIndex.of(m);
        Tokenizer full = TextEncoder.miniLmTokenizer().withIndexTokens(index);
        tokenizer =
                full.restrictedTo(List.of(PROMPT.prefix(), PROMPT.separator(), PROMPT.suffix()));
        model =
                LlamaModel.random(
                        LlamaPreset.CPU_TINY.config(
                                tokenizer.vocabSize(),
                                tokenizer.tokenToId("[CLS]"),
                                tokenizer.tokenToId("[SEP]"),
                                tokenizer.padId()),
                        5);
    }

    private static BundleManifest manifest(int maxHistory) {
        return new BundleManifest(
                ModelBundle.FORMAT_VERSION,
                "test",
                "2026-12-06T00:00:00Z",
                "fixture",
                "sha256:00",
                new BundleManifest.Decoding(10, false, maxHistory, false),
                Map.of("epochs", 1),
                Map.of("validation", Map.of("ndcg@10", 0.25)));
    }

    private static Path write(Path dir) {
        return BundleWriter.write(model, tokenizer, index, List.of(PROMPT), manifest(3), dir).dir();
    }

    @Test
    void aBundleAloneRecommendsLikeTheExportWithItsPromptsGivenByHand(@TempDir Path tmp) {
        Path dir = write(tmp.resolve("bundle"));
        ModelBundle b = ModelBundle.read(dir);
        assertThat(b.manifest().decoding().maxHistory()).isEqualTo(3);
        assertThat(b.manifest().metrics().get("validation")).containsEntry("ndcg@10", 0.25);
        assertThat(b.prompts()).containsExactly(PROMPT);
        assertThat(b.index()).isEqualTo(index);
        assertThat(b.toString()).contains("items=40", "seqrec-test");
        List<int[]> histories = new ArrayList<>();
        Random r = new Random(9);
        for (int u = 0; u < 12; u++) {
            int[] h = new int[1 + r.nextInt(6)];
            for (int i = 0; i < h.length; i++) {
                h[i] = r.nextInt(40);
            }
            histories.add(h);
        }
        // by hand: the bare export, the text prompt, the same decoding and history cap
        RecommenderConfig byHand =
                RecommenderConfig.builder().beams(10).eosStep(false).maxHistory(3).build();
        List<Recommendation> expected;
        try (Recommender rec =
                TextPrompts.open(dir, index, List.of(PROMPT), byHand, DecoderOptions.cpu())) {
            expected = rec.recommendAll(histories, 5, 0);
        }
        try (Recommender rec = Recommender.open(dir)) {
            List<Recommendation> got = rec.recommendAll(histories, 5, 0);
            for (int u = 0; u < histories.size(); u++) {
                assertThat(got.get(u).itemIds()).isEqualTo(expected.get(u).itemIds());
            }
            // the cap: only the last 3 items count
            int[] longer = {7, 8, 1, 2, 3};
            assertThat(rec.recommend(longer, 5).itemIds())
                    .isEqualTo(rec.recommend(new int[] {1, 2, 3}, 5).itemIds());
        }
    }

    @Test
    void rewritingReplacesTheWholeBundleAndLeavesNoTemporaryDirectory(@TempDir Path tmp)
            throws IOException {
        Path dir = write(tmp.resolve("bundle"));
        Files.writeString(dir.resolve("stray.txt"), "from the old bundle");
        write(dir);
        assertThat(dir.resolve("stray.txt")).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("bundle");
        }
    }

    @Test
    void whatAKilledWriteLeftIsRepairedByTheNext(@TempDir Path tmp) throws IOException {
        Path dir = write(tmp.resolve("bundle"));
        // killed after moving the old bundle aside, with a half-written new one beside it
        Path aside = tmp.resolve(".bundle.old");
        Files.move(dir, aside);
        Path partial = Files.createDirectories(tmp.resolve(".bundle.tmp"));
        Files.writeString(partial.resolve("model.onnx"), "half");
        // reading the bundle puts it back
        assertThat(ModelBundle.read(dir).prompts()).containsExactly(PROMPT);
        assertThat(aside).doesNotExist();
        // the next write replaces the restored bundle and leaves nothing beside it
        write(dir);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("bundle");
        }
    }

    @Test
    void incompleteOrInconsistentBundlesAreRefusedByName(@TempDir Path tmp) throws IOException {
        Path dir = write(tmp.resolve("bundle"));

        Path noPrompts = copy(dir, tmp.resolve("no-prompts"));
        Files.delete(noPrompts.resolve(ModelBundle.PROMPTS));
        assertThatThrownBy(() -> Recommender.open(noPrompts))
                .hasMessageContaining(noPrompts.resolve("prompts.json").toString())
                .hasMessageContaining("missing from the model bundle");

        Path bare = copy(dir, tmp.resolve("bare"));
        Files.delete(bare.resolve(ModelBundle.MANIFEST));
        assertThatThrownBy(() -> Recommender.open(bare))
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("bare decoder")
                .hasMessageContaining("lcrec export --bundle");
        assertThatThrownBy(
                        () ->
                                Recommender.open(
                                        bare,
                                        index,
                                        RecommenderConfig.defaults(),
                                        DecoderOptions.cpu()))
                .hasMessageContaining("no prompt templates");

        Path future = copy(dir, tmp.resolve("future"));
        Path mf = future.resolve(ModelBundle.MANIFEST);
        Files.writeString(
                mf, Files.readString(mf).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        assertThatThrownBy(() -> ModelBundle.read(future))
                .hasMessageContaining("\"formatVersion\": expected 1")
                .hasMessageContaining("found 2");

        // ids that the bundle's tokenizer does not give for the text: a swapped tokenizer
        Path swapped = copy(dir, tmp.resolve("swapped"));
        Path pf = swapped.resolve(ModelBundle.PROMPTS);
        String prompts = Files.readString(pf);
        String tampered = prompts.replaceFirst("\"separator\" : \\[ (\\d+)", "\"separator\" : [ 1");
        assertThat(tampered).isNotEqualTo(prompts);
        Files.writeString(pf, tampered);
        assertThatThrownBy(() -> ModelBundle.read(swapped))
                .hasMessageContaining("template \"seqrec-test\"")
                .hasMessageContaining("the tokenizer does not belong to this model");

        assertThatThrownBy(() -> Recommender.open(tmp.resolve("nowhere")))
                .hasMessageContaining("no such directory");
    }

    @Test
    void metricsAddedLaterAreKept(@TempDir Path tmp) {
        ModelBundle b = ModelBundle.read(write(tmp.resolve("bundle")));
        b.withMetrics("test", Map.of("ndcg@10", 0.125));
        BundleManifest m = ModelBundle.read(b.dir()).manifest();
        assertThat(m.metrics().get("test")).containsEntry("ndcg@10", 0.125);
        assertThat(m.metrics().get("validation")).containsEntry("ndcg@10", 0.25);
        assertThat(m.training()).containsEntry("epochs", 1);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }
}
