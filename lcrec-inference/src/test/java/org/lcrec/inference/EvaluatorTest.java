package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Interactions;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;

class EvaluatorTest {
    @Test
    void ranksMetricsAndAggregatesMatchDirectCalls(@TempDir Path tmp) {
        SemanticIndex index = Fixtures.randomIndex(50, 8, 6);
        int[] ids = index.itemIds();
        SplittableRandom r = new SplittableRandom(4);
        Map<String, int[]> seqs = new LinkedHashMap<>();
        for (int u = 0; u < 30; u++) {
            int[] s = new int[3 + r.nextInt(6)];
            for (int i = 0; i < s.length; i++) {
                s[i] = ids[r.nextInt(ids.length)];
            }
            if (u == 0) {
                s[0] = 5000; // unknown history item: left out of the prompt
            }
            seqs.put("user" + u, s);
        }
        Interactions data = Interactions.of(seqs);
        List<PromptTemplate> templates =
                List.of(
                        PromptTemplate.indexOnly(Fixtures.BOS),
                        new PromptTemplate("t1", new int[] {1, 40}, new int[] {9}, new int[] {41}));
        RecommenderConfig cfg =
                // batches of 2: progress comes every 8 batches (16 users), so 30 users take two
                // chunks per template, and the ranks below are checked against single calls
                RecommenderConfig.builder().beams(10).batchSize(2).templates(templates).build();
        EvaluationConfig ec = EvaluationConfig.builder().ks(1, 5, 10).maxHistory(4).build();
        try (Recommender rec =
                new Recommender(Fixtures.open("pos"), index, Fixtures.tokenMap(), cfg)) {
            List<long[]> updates = new java.util.ArrayList<>();
            EvaluationResult res =
                    Evaluator.evaluate(
                            rec,
                            data,
                            ec,
                            "tiny",
                            (done, total) -> updates.add(new long[] {done, total}));
            assertThat(updates).extracting(u -> u[0]).containsExactly(0L, 16L, 30L, 46L, 60L);
            assertThat(updates).extracting(u -> u[1]).containsOnly(60L);
            assertThat(res.templates()).hasSize(2);
            for (int t = 0; t < 2; t++) {
                EvaluationResult.TemplateResult tr = res.templates().get(t);
                assertThat(tr.samples()).isEqualTo(30);
                double hits = 0;
                for (int u = 0; u < 30; u++) {
                    int[] s = seqs.get("user" + u);
                    int target = s[s.length - 1];
                    int from = Math.max(0, s.length - 1 - 4);
                    int[] h =
                            java.util.Arrays.stream(
                                            java.util.Arrays.copyOfRange(s, from, s.length - 1))
                                    .filter(index::contains)
                                    .toArray();
                    int expectedRank = rec.recommend(h, 10, t).rankOf(target);
                    assertThat(tr.ranks()[u]).isEqualTo(expectedRank);
                    hits += expectedRank >= 1 && expectedRank <= 5 ? 1 : 0;
                }
                assertThat(tr.metrics().get("hr@5")).isCloseTo(hits / 30, within(1e-12));
                double[] ci = tr.intervals().get("hr@5");
                assertThat(ci[0]).isLessThanOrEqualTo(tr.metrics().get("hr@5"));
                assertThat(ci[1]).isGreaterThanOrEqualTo(tr.metrics().get("hr@5"));
            }
            double a = res.templates().get(0).metrics().get("ndcg@10");
            double b = res.templates().get(1).metrics().get("ndcg@10");
            assertThat(res.mean().get("ndcg@10")).isCloseTo((a + b) / 2, within(1e-12));
            assertThat(res.min().get("ndcg@10")).isEqualTo(Math.min(a, b));
            assertThat(res.max().get("ndcg@10")).isEqualTo(Math.max(a, b));

            Path file = tmp.resolve("res.json");
            res.write(file);
            assertThat(res.excludeHistory()).isFalse();
            EvaluationResult back = EvaluationResult.read(file);
            assertThat(back.excludeHistory()).isFalse();
            assertThat(back.templates().get(1).ranks()).isEqualTo(res.templates().get(1).ranks());
            assertThat(back.mean()).isEqualTo(res.mean());
            assertThat(back.templates().get(0).intervals().get("hr@5"))
                    .isEqualTo(res.templates().get(0).intervals().get("hr@5"));

            EvaluationResult valid =
                    Evaluator.evaluate(
                            rec,
                            data,
                            EvaluationConfig.builder()
                                    .split(Split.VALID)
                                    .templates(List.of(1))
                                    .maxUsers(10)
                                    .build(),
                            "tiny");
            assertThat(valid.templates()).hasSize(1);
            assertThat(valid.templates().get(0).samples()).isEqualTo(10);
            assertThatThrownBy(
                            () ->
                                    Evaluator.evaluate(
                                            rec,
                                            data,
                                            EvaluationConfig.builder()
                                                    .templates(List.of(5))
                                                    .build(),
                                            "x"))
                    .hasMessageContaining("template 5 does not exist");
        }
    }

    @Test
    void theExclusionRuleIsRecordedAndVersion1FilesReadAsNotExcluding(@TempDir Path tmp)
            throws Exception {
        SemanticIndex index = Fixtures.randomIndex(40, 3, 5);
        int[] ids = index.itemIds();
        SplittableRandom r = new SplittableRandom(8);
        Map<String, int[]> seqs = new LinkedHashMap<>();
        for (int u = 0; u < 12; u++) {
            int[] s = new int[3 + r.nextInt(4)];
            for (int i = 0; i < s.length; i++) {
                s[i] = ids[r.nextInt(ids.length)];
            }
            seqs.put("user" + u, s);
        }
        Interactions data = Interactions.of(seqs);
        EvaluationConfig ec = EvaluationConfig.builder().ks(1, 5).maxHistory(3).build();
        RecommenderConfig cfg =
                RecommenderConfig.builder().beams(5).batchSize(4).excludeHistory(true).build();
        try (Recommender rec =
                new Recommender(
                        new HashLogitsDecoder(Fixtures.VOCAB, 5, 2),
                        index,
                        Fixtures.tokenMap(),
                        cfg)) {
            EvaluationResult res = Evaluator.evaluate(rec, data, ec, "excluding");
            assertThat(res.excludeHistory()).isTrue();
            assertThat(res.toString()).contains("excludeHistory=true");
            EvaluationResult.TemplateResult t = res.templates().get(0);
            for (int u = 0; u < 12; u++) {
                int[] s = seqs.get("user" + u);
                int[] h = java.util.Arrays.copyOfRange(s, Math.max(0, s.length - 4), s.length - 1);
                assertThat(t.ranks()[u]).isEqualTo(rec.recommend(h, 5).rankOf(s[s.length - 1]));
            }
            Path file = tmp.resolve("v2.json");
            res.write(file);
            assertThat(EvaluationResult.read(file).excludeHistory()).isTrue();
            // the same file as version 1 wrote it: no rule field
            com.fasterxml.jackson.databind.node.ObjectNode v1 =
                    (com.fasterxml.jackson.databind.node.ObjectNode)
                            new com.fasterxml.jackson.databind.ObjectMapper()
                                    .readTree(file.toFile());
            v1.put("version", 1);
            v1.remove("excludeHistory");
            Path old = tmp.resolve("v1.json");
            Files.writeString(old, v1.toString());
            EvaluationResult back = EvaluationResult.read(old);
            assertThat(back.version()).isEqualTo(EvaluationResult.VERSION);
            assertThat(back.excludeHistory()).isFalse();
            assertThat(back.templates().get(0).ranks()).isEqualTo(t.ranks());
        }
    }

    @Test
    void resultFilesOfAnotherVersionAreRejected(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("r.json");
        Files.writeString(f, "{\"version\": 7}");
        assertThatThrownBy(() -> EvaluationResult.read(f))
                .hasMessageContaining("version")
                .hasMessageContaining("7");
    }
}
