package org.lcrec.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.lcrec.core.Dataset;
import org.lcrec.core.IndexTokens;
import org.lcrec.core.Interactions;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.core.TextCleaner;
import org.lcrec.core.UserProfiles;

class TaskGeneratorTest {
    private static final Dataset SYN = Dataset.synthetic();
    private static final List<TaskType> ALL = List.of(TaskType.values());

    private static List<Sample> all(TaskGenerator g, TaskType t, Split s) {
        return g.stream(t, s).collect(Collectors.toList());
    }

    @Test
    void allSixTasksWorkOnTheSyntheticDatasetAndFillEveryPlaceholder() {
        TaskGenerator g = TaskGenerator.of(SYN);
        TaskGenerator.SampleIterator it = g.iterator(ALL, Split.TRAIN);
        Map<TaskType, Integer> n = new HashMap<>();
        while (it.hasNext()) {
            Sample s = it.next();
            n.merge(s.task(), 1, Integer::sum);
            assertThat(s.instruction()).doesNotContain("{").doesNotContain("}");
            assertThat(s.response()).isNotBlank().doesNotContain("{");
        }
        for (TaskType t : TaskType.values()) {
            assertThat(n.get(t)).as(t.id()).isPositive();
        }
        GenerationReport r = it.report();
        assertThat(r.tasks())
                .extracting(GenerationReport.TaskCount::task)
                .containsExactly(TaskType.values());
        assertThat(r.samples()).isEqualTo(n.values().stream().mapToLong(i -> i).sum());
    }

    /**
     * Ranges of examples, cut at seeded random points, concatenate to the whole pass for every task
     * and split, with subsampling and several copies per example (whose draws must be replayed for
     * the examples a range skips); their counts add up to the whole report.
     */
    @Test
    void consecutiveExampleRangesConcatenateToTheWholePass() {
        TaskConfig.Builder b = TaskConfig.builder().seed(7);
        for (TaskType t : TaskType.values()) {
            b.promptSampleNum(t, 2);
        }
        b.sampleNum(TaskType.SEQREC, 1500).sampleNum(TaskType.ITEM2INDEX, 200);
        TaskGenerator g = new TaskGenerator(SYN, TemplateSet.defaults(), b.build());
        JsonlExporter jsonl = new JsonlExporter(ExportFormat.LCREC);
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        int checked = 0;
        for (Split split : Split.values()) {
            for (TaskType t : TaskType.values()) {
                if (g.unavailableReason(t, split) != null) {
                    continue;
                }
                List<String> whole = new ArrayList<>();
                TaskGenerator.SampleIterator all = g.iterator(List.of(t), split);
                all.forEachRemaining(x -> whole.add(jsonl.line(x)));
                long n = g.exampleCount(t, split);
                // cut points: 0, a few random ones (some equal), n, and a range past the end
                List<Long> cuts = new ArrayList<>(List.of(0L, n, n + 5));
                for (int i = 0; i < 5; i++) {
                    cuts.add(r.nextLong(n + 1));
                }
                cuts.add(cuts.get(cuts.size() - 1));
                java.util.Collections.sort(cuts);
                List<String> pieces = new ArrayList<>();
                long samples = 0;
                long examples = 0;
                long skipped = 0;
                long pairs = 0;
                for (int i = 0; i + 1 < cuts.size(); i++) {
                    TaskGenerator.SampleIterator it =
                            g.iterator(t, split, cuts.get(i), cuts.get(i + 1));
                    it.forEachRemaining(x -> pieces.add(jsonl.line(x)));
                    for (GenerationReport.TaskCount c : it.report().tasks()) {
                        samples += c.samples();
                        examples += c.examples();
                        skipped += c.skippedExamples();
                        pairs += c.skippedPairs();
                    }
                }
                assertThat(pieces).as("%s %s", t, split).isEqualTo(whole);
                GenerationReport.TaskCount w = all.report().tasks().get(0);
                assertThat(new long[] {samples, examples, skipped, pairs})
                        .as("%s %s counts", t, split)
                        .containsExactly(
                                w.samples(), w.examples(), w.skippedExamples(), w.skippedPairs());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6 + 2 + 3); // train: all six; valid: two; test: three
        assertThatThrownBy(() -> g.iterator(TaskType.SEQREC, Split.TRAIN, 5, 4))
                .hasMessageContaining("0 <= fromExample <= toExample");
    }

    @Test
    void seqrecTrainingSamplesAreTheLeaveOneOutPositions() {
        Interactions inter = SYN.interactions();
        long expected = 0;
        for (int r = 0; r < inter.userCount(); r++) {
            expected += inter.length(r) - 3; // synthetic users have >= 5 items
        }
        TaskGenerator g = TaskGenerator.of(SYN);
        List<Sample> samples = all(g, TaskType.SEQREC, Split.TRAIN);
        assertThat((long) samples.size()).isEqualTo(expected);
        // the first user's samples, rebuilt by hand: position i -> history s[max(0,i-20)..i-1]
        int[] seq = inter.sequence(0);
        SemanticIndex index = SYN.index();
        for (int i = 1; i <= seq.length - 3; i++) {
            Sample s = samples.get(i - 1);
            assertThat(s.user()).isEqualTo(inter.user(0));
            assertThat(s.targetItem()).isEqualTo(seq[i]);
            assertThat(s.response()).isEqualTo(index.get(seq[i]).toTokenString());
            StringBuilder hist = new StringBuilder();
            for (int j = Math.max(0, i - 20); j < i; j++) {
                hist.append(j > Math.max(0, i - 20) ? ", " : "")
                        .append(index.get(seq[j]).toTokenString());
            }
            assertThat(s.instruction()).contains(hist.toString());
        }
    }

    @Test
    void sameSeedSameSamplesOtherSeedOtherTemplates() {
        TaskConfig c = TaskConfig.builder().seed(7).build();
        List<Sample> a =
                all(
                        new TaskGenerator(SYN, TemplateSet.defaults(), c),
                        TaskType.SEQREC,
                        Split.TRAIN);
        List<Sample> b =
                all(
                        new TaskGenerator(SYN, TemplateSet.defaults(), c),
                        TaskType.SEQREC,
                        Split.TRAIN);
        List<Sample> other =
                all(
                        new TaskGenerator(SYN, TemplateSet.defaults(), c.withSeed(8)),
                        TaskType.SEQREC,
                        Split.TRAIN);
        assertThat(a).isEqualTo(b);
        assertThat(other).hasSameSizeAs(a).isNotEqualTo(a);
        // the template draw is uniform: each of 17 templates gets about 1/17 of the samples
        int[] hist = new int[17];
        a.forEach(s -> hist[s.templateId()]++);
        double expected = a.size() / 17.0;
        for (int h : hist) {
            // 5 standard deviations of a binomial count
            assertThat(Math.abs(h - expected)).isLessThan(5 * Math.sqrt(expected));
        }
    }

    @Test
    void historyCapSeparatorAndNumbering() {
        TaskConfig c = TaskConfig.builder().maxHistory(3).separator(" | ").numbered(true).build();
        TaskGenerator g = new TaskGenerator(SYN, TemplateSet.defaults(), c);
        Interactions inter = SYN.interactions();
        int[] seq = inter.sequence(0);
        List<Sample> s = all(g, TaskType.SEQREC, Split.TEST);
        Sample first = s.get(0);
        int p = seq.length - 1;
        String want =
                "1. " + tok(seq[p - 3]) + " | 2. " + tok(seq[p - 2]) + " | 3. " + tok(seq[p - 1]);
        assertThat(first.instruction()).contains(want).doesNotContain("4. ");
        assertThat(first.response()).isEqualTo(tok(seq[p]));
    }

    private static String tok(int item) {
        return SYN.index().get(item).toTokenString();
    }

    @Test
    void promptSampleNumMakesCopiesAndSampleNumSubsamplesDeterministically() {
        TaskConfig c =
                TaskConfig.builder()
                        .promptSampleNum(TaskType.SEQREC, 3)
                        .sampleNum(TaskType.FUSIONSEQREC, 500)
                        .build();
        TaskGenerator g = new TaskGenerator(SYN, TemplateSet.defaults(), c);
        long positions = c.split().count(SYN.interactions(), Split.TRAIN);
        List<Sample> seq = all(g, TaskType.SEQREC, Split.TRAIN);
        assertThat((long) seq.size()).isEqualTo(3 * positions);
        // copies of one example share the example (same target and user) in a row
        assertThat(seq.get(0).targetItem()).isEqualTo(seq.get(2).targetItem());
        assertThat(seq.get(0).user()).isEqualTo(seq.get(2).user());

        TaskGenerator.SampleIterator it = g.iterator(List.of(TaskType.FUSIONSEQREC), Split.TRAIN);
        List<Sample> fus = new ArrayList<>();
        it.forEachRemaining(fus::add);
        assertThat(it.report().tasks().get(0).examples()).isEqualTo(500);
        assertThat(fus).hasSize(500); // every synthetic item has title and description
        assertThat(
                        all(
                                new TaskGenerator(SYN, TemplateSet.defaults(), c),
                                TaskType.FUSIONSEQREC,
                                Split.TRAIN))
                .isEqualTo(fus);
        // selection sampling keeps file order: users appear in non-decreasing row order
        List<String> users = SYN.interactions().users();
        int last = -1;
        for (Sample s : fus) {
            int row = users.indexOf(s.user());
            assertThat(row).isGreaterThanOrEqualTo(last);
            last = row;
        }
    }

    /**
     * Selection sampling keeps every example with the same probability: the number kept from the
     * first half of the examples follows a hypergeometric law (mean keep/2); checked within 5
     * standard deviations for several seeds, and exactly {@code keep} overall.
     */
    @Test
    void subsamplingIsUniformOverExamples() {
        long total = TaskConfig.defaults().split().count(SYN.interactions(), Split.TRAIN);
        int keep = 1000;
        // the first half of the examples, by user row (examples are in row order)
        long half = 0;
        int halfRows = 0;
        Interactions inter = SYN.interactions();
        while (half < total / 2) {
            half += inter.length(halfRows++) - 3;
        }
        double p = (double) half / total;
        double sd = Math.sqrt(keep * p * (1 - p) * (total - keep) / (total - 1.0));
        java.util.Set<String> firstUsers =
                new java.util.HashSet<>(inter.users().subList(0, halfRows));
        for (long seed = 1; seed <= 5; seed++) {
            TaskConfig c = TaskConfig.builder().seed(seed).sampleNum(TaskType.SEQREC, keep).build();
            List<Sample> s =
                    all(
                            new TaskGenerator(SYN, TemplateSet.defaults(), c),
                            TaskType.SEQREC,
                            Split.TRAIN);
            assertThat(s).hasSize(keep);
            long inFirst = s.stream().filter(x -> firstUsers.contains(x.user())).count();
            assertThat(Math.abs(inFirst - keep * p)).as("seed %d", seed).isLessThan(5 * sd);
        }
    }

    @Test
    void validAndTestAreOneSamplePerUserPerChosenTemplateAndStable() {
        TaskGenerator g = TaskGenerator.of(SYN);
        int users = SYN.interactions().userCount();
        List<Sample> test = all(g, TaskType.SEQREC, Split.TEST);
        assertThat(test).hasSize(users * 17);
        assertThat(all(g, TaskType.SEQREC, Split.VALID)).hasSize(users * 17);
        // user-major, template ids 0..16 for each user
        for (int i = 0; i < 17; i++) {
            assertThat(test.get(17 + i).templateId()).isEqualTo(i);
            assertThat(test.get(17 + i).user()).isEqualTo(SYN.interactions().user(1));
        }
        TaskConfig c = TaskConfig.builder().evalTemplates(TaskType.SEQREC, List.of(3, 0)).build();
        List<Sample> chosen =
                all(new TaskGenerator(SYN, TemplateSet.defaults(), c), TaskType.SEQREC, Split.TEST);
        assertThat(chosen).hasSize(users * 2);
        assertThat(chosen.get(0)).isEqualTo(test.get(3));
        assertThat(chosen.get(1)).isEqualTo(test.get(0));
        // valid target is the second-last item
        int[] seq = SYN.interactions().sequence(0);
        assertThat(all(g, TaskType.SEQREC, Split.VALID).get(0).targetItem())
                .isEqualTo(seq[seq.length - 2]);
    }

    @Test
    void itemTasksUseCleanedTextAndTheItemsIndex() {
        TaskGenerator g = TaskGenerator.of(SYN);
        List<Sample> i2i = all(g, TaskType.ITEM2INDEX, Split.TRAIN);
        List<Sample> i2t = all(g, TaskType.INDEX2ITEM, Split.TRAIN);
        assertThat(i2i).hasSize(SYN.items().size());
        for (Sample s : i2i) {
            Item item = SYN.items().get(s.targetItem());
            assertThat(s.response()).isEqualTo(tok(item.id()));
            InstructionTemplate t = TemplateSet.defaults().get(TaskType.ITEM2INDEX, s.templateId());
            if (t.uses(Placeholder.TITLE)) {
                assertThat(s.instruction())
                        .contains("\"" + TextCleaner.cleanTitle(item.title()) + "\"");
            }
        }
        for (Sample s : i2t) {
            Item item = SYN.items().get(s.targetItem());
            assertThat(s.instruction()).contains(tok(item.id()));
            String title = TextCleaner.cleanTitle(item.title());
            String desc = TextCleaner.clean(item.description());
            assertThat(s.response()).isIn(title, desc, title + "\n\n" + desc);
        }
    }

    @Test
    void userTextTasksDrawFromTheProfiles() {
        TaskGenerator g = TaskGenerator.of(SYN);
        UserProfiles u = SYN.users();
        List<Sample> pref = all(g, TaskType.PREFERENCEOBTAIN, Split.TRAIN);
        assertThat(pref).hasSize(u.preferences().size());
        for (Sample s : pref) {
            assertThat(u.preferences().get(s.user())).contains(s.response());
            assertThat(s.targetItem()).isEqualTo(-1);
        }
        List<Sample> search = all(g, TaskType.ITEMSEARCH, Split.TEST);
        assertThat(search).hasSize(u.testIntentions().size() * 11);
        for (Sample s : search) {
            UserProfiles.Intention in = u.testIntentions().get(s.user());
            assertThat(s.targetItem()).isEqualTo(in.item());
            assertThat(s.response()).isEqualTo(tok(in.item()));
            if (s.templateId() >= 6) {
                assertThat(in.queries().stream().anyMatch(q -> s.instruction().contains(q.strip())))
                        .isTrue();
            }
        }
        assertThat(search).isEqualTo(all(g, TaskType.ITEMSEARCH, Split.TEST));
    }

    @Test
    void sftWrapperKeepsPromptAndResponseApart() {
        Sample s = TaskGenerator.of(SYN).stream(TaskType.SEQREC, Split.TEST).findFirst().get();
        assertThat(s.sftPrompt())
                .startsWith("Below is an instruction that describes a task.")
                .contains("### Instruction:\n" + s.instruction())
                .endsWith("\n\n### Response:");
        assertThat(s.sftText()).isEqualTo(s.sftPrompt() + s.response());
    }

    @Test
    void generationIsLazy() {
        TaskGenerator g = TaskGenerator.of(SYN);
        TaskGenerator.SampleIterator it = g.iterator(ALL, Split.TRAIN);
        it.next();
        it.next();
        GenerationReport r = it.report();
        assertThat(r.samples()).isEqualTo(2);
        assertThat(r.tasks()).hasSize(1);
    }

    /** A tiny dataset: item 0 full text, item 1 title only, item 2 no text, item 3 desc only. */
    private static Dataset tiny(boolean texts, UserProfiles users) {
        List<Item> items =
                List.of(
                        new Item(
                                0,
                                "Alpha &amp; Co. Widget.",
                                "['Sturdy', 'and &quot;bright&quot;']",
                                "",
                                ""),
                        new Item(1, "Beta Gadget", "", "", ""),
                        new Item(2, "", "  ", "", ""),
                        new Item(3, "", "Only a description", "", ""));
        ItemCatalog cat = texts ? ItemCatalog.of(items) : ItemCatalog.ofIds(4);
        Map<Integer, SemanticId> idx = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            idx.put(i, SemanticId.of(i, 3 - i));
        }
        Map<String, int[]> seqs = new LinkedHashMap<>();
        seqs.put("u0", new int[] {0, 1, 2, 3, 0});
        seqs.put("u1", new int[] {1, 0, 3, 2, 1, 0});
        return new Dataset("Tiny", cat, Interactions.of(seqs), SemanticIndex.of(idx), users, null);
    }

    @Test
    void itemsWithoutNeededTextAreSkippedAndCounted() {
        TaskGenerator g = TaskGenerator.of(tiny(true, null));
        TaskGenerator.SampleIterator it = g.iterator(List.of(TaskType.INDEX2ITEM), Split.TRAIN);
        List<Sample> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        GenerationReport.TaskCount c = it.report().tasks().get(0);
        // item 2 has no text at all: skipped; items 1 and 3 only fit 6 of the 17 templates
        assertThat(out).extracting(Sample::targetItem).containsExactly(0, 1, 3);
        assertThat(c.skippedExamples()).isEqualTo(1);
        assertThat(c.skippedPairs()).isEqualTo(17 + 11 + 11);
        Sample item0 = out.get(0);
        assertThat(item0.response())
                .isIn(
                        "Alpha & Co. Widget",
                        "Sturdy and bright.",
                        "Sturdy and bright",
                        "Alpha & Co. Widget\n\nSturdy and bright");
        assertThat(out.get(1).response()).isEqualTo("Beta Gadget");
        assertThat(out.get(2).response()).isEqualTo("Only a description");
        assertThat(out.get(0).response())
                .isEqualTo(
                        TemplateSet.defaults()
                                .get(TaskType.INDEX2ITEM, item0.templateId())
                                .response()
                                .replace(
                                        "{title}",
                                        TextCleaner.cleanTitle("Alpha &amp; Co. Widget."))
                                .replace(
                                        "{description}",
                                        TextCleaner.clean("['Sturdy', 'and &quot;bright&quot;']")));

        // fusionseqrec: title-history templates need every history item titled
        TaskConfig c2 =
                TaskConfig.builder().evalTemplates(TaskType.FUSIONSEQREC, List.of(0, 4, 8)).build();
        TaskGenerator.SampleIterator ft =
                new TaskGenerator(tiny(true, null), TemplateSet.defaults(), c2)
                        .iterator(List.of(TaskType.FUSIONSEQREC), Split.TEST);
        List<Sample> fs = new ArrayList<>();
        ft.forEachRemaining(fs::add);
        // u0: target 0 (title+desc), history 0,1,2,3 (2 and 3 untitled) -> templates 0, 4
        // u1: target 0, history 1,0,3,2,1 -> templates 0, 4
        assertThat(fs).extracting(Sample::templateId).containsExactly(0, 4, 0, 4);
        assertThat(ft.report().tasks().get(0).skippedPairs()).isEqualTo(2);
    }

    @Test
    void missingDataIsAClearError() {
        TaskGenerator noText = TaskGenerator.of(tiny(false, null));
        assertThatThrownBy(() -> noText.iterator(List.of(TaskType.ITEM2INDEX), Split.TRAIN))
                .isInstanceOf(TaskUnavailableException.class)
                .hasMessageContaining("task item2index needs item titles or descriptions")
                .hasMessageContaining("dataset Tiny has none (0 of 4 items have text");
        assertThatThrownBy(() -> noText.iterator(List.of(TaskType.ITEMSEARCH), Split.TRAIN))
                .isInstanceOf(TaskUnavailableException.class)
                .hasMessageContaining(
                        "task itemsearch needs per-user preference and intention"
                                + " texts (Tiny.user.json)");
        assertThatThrownBy(() -> noText.iterator(List.of(TaskType.PREFERENCEOBTAIN), Split.TRAIN))
                .hasMessageContaining("preferenceobtain needs per-user");
        // seqrec still works on the text-less dataset
        assertThat(all(noText, TaskType.SEQREC, Split.TRAIN)).hasSize(2 + 3);
        TaskGenerator syn = TaskGenerator.of(SYN);
        assertThatThrownBy(() -> syn.iterator(List.of(TaskType.ITEMSEARCH), Split.VALID))
                .hasMessageContaining("itemsearch has no validation data");
        assertThatThrownBy(() -> syn.iterator(List.of(TaskType.ITEM2INDEX), Split.TEST))
                .hasMessageContaining("item2index has training data only");
        TaskConfig bad = TaskConfig.builder().evalTemplates(TaskType.SEQREC, List.of(17)).build();
        assertThatThrownBy(
                        () ->
                                new TaskGenerator(SYN, TemplateSet.defaults(), bad)
                                        .iterator(List.of(TaskType.SEQREC), Split.TEST))
                .hasMessageContaining("template id 17 does not exist");
        Dataset noIndex = new Dataset("NoIdx", SYN.items(), SYN.interactions(), null, null, null);
        assertThatThrownBy(
                        () ->
                                TaskGenerator.of(noIndex)
                                        .iterator(List.of(TaskType.SEQREC), Split.TRAIN))
                .hasMessageContaining("needs a semantic index");
    }

    @Test
    void configValidationAndToString() {
        assertThatThrownBy(() -> TaskConfig.builder().maxHistory(-1).build())
                .hasMessageContaining("maxHistory must be >= 0");
        assertThatThrownBy(() -> TaskConfig.builder().promptSampleNum(TaskType.SEQREC, 0).build())
                .hasMessageContaining("promptSampleNum for seqrec must be >= 1, found 0");
        assertThatThrownBy(() -> TaskConfig.builder().sampleNum(TaskType.SEQREC, -2).build())
                .hasMessageContaining("sampleNum for seqrec must be >= 0");
        assertThat(TaskConfig.defaults().toString())
                .startsWith("TaskConfig(seed=42, maxHistory=20, separator=\", \", numbered=false");
        assertThat(IndexTokens.parse(tok(5))).isEqualTo(SYN.index().get(5));
    }
}
