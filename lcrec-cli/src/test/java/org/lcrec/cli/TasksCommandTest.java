package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.testing.SharedData;

class TasksCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void allSixTasksOnTheSyntheticDataset(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("train.jsonl");
        Path report = tmp.resolve("report.json");
        CliTesting.Run r =
                CliTesting.run(
                        "tasks",
                        "--tasks",
                        "seqrec,item2index,index2item,fusionseqrec,itemsearch,preferenceobtain",
                        "--format",
                        "alpaca",
                        "--out",
                        out.toString(),
                        "--report",
                        report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.get("samples").asLong()).isEqualTo(lines.size());
        assertThat(json.get("tasks")).hasSize(6);
        // seqrec = leave-one-out positions, computed here from the sequences
        Dataset syn = Dataset.synthetic();
        long positions = 0;
        for (int u = 0; u < syn.interactions().userCount(); u++) {
            positions += syn.interactions().length(u) - 3;
        }
        assertThat(json.get("tasks").get(0).get("samples").asLong()).isEqualTo(positions);
        assertThat(json.get("tasks").get(1).get("samples").asLong()).isEqualTo(syn.items().size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("instruction").asText()).contains("<a_");
        assertThat(first.get("input").asText()).isEmpty();
        assertThat(r.out()).contains("seqrec", "preferenceobtain", "samples written to");
    }

    @Test
    void testSplitLcRecFormatWithChosenPromptsAndSampling(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("test.jsonl");
        CliTesting.Run r =
                CliTesting.run(
                        "tasks",
                        "--split",
                        "test",
                        "--prompt-ids",
                        "0,4",
                        "--add-prefix",
                        "--max-his-len",
                        "5",
                        "--out",
                        out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2 * 2000);
        JsonNode j = JSON.readTree(lines.get(1));
        assertThat(j.get("template").asInt()).isEqualTo(4);
        assertThat(j.get("prompt").asText()).endsWith("### Response:").contains("1. <a_");
        assertThat(j.get("prompt").asText()).doesNotContain("6. <a_");

        Path sub = tmp.resolve("sub.jsonl");
        CliTesting.Run s =
                CliTesting.run(
                        "tasks",
                        "--tasks",
                        "seqrec,fusionseqrec",
                        "--sample-num",
                        "0,300",
                        "--prompt-sample-num",
                        "1,2",
                        "--format",
                        "chat",
                        "--out",
                        sub.toString());
        assertThat(s.code()).as(s.err()).isZero();
        long fusion = Files.readAllLines(sub).stream().filter(l -> !l.contains("\"<a_")).count();
        assertThat(s.out()).containsPattern("fusionseqrec\\s+600\\s+300");
        assertThat(fusion).isPositive();
    }

    @Test
    void badInputIsAClearErrorAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("x.jsonl");
        CliTesting.Run r =
                CliTesting.run("tasks", "--tasks", "seqrec,bogus", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown task \"bogus\": expected one of seqrec");
        assertThat(out).doesNotExist();

        Path tpl = tmp.resolve("t.json");
        Files.writeString(
                tpl,
                "{\"format\":\"lcrec-task-templates\",\"version\":1,\"tasks\":{\"seqrec\":"
                        + "[{\"instruction\":\"{history}\",\"response\":\"{item}\"}]}}");
        CliTesting.Run t =
                CliTesting.run("tasks", "--templates", tpl.toString(), "--out", out.toString());
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err()).contains("unknown placeholder {history}");

        CliTesting.Run v =
                CliTesting.run(
                        "tasks",
                        "--tasks",
                        "item2index",
                        "--split",
                        "valid",
                        "--out",
                        out.toString());
        assertThat(v.code()).isEqualTo(2);
        assertThat(v.err()).contains("item2index has training data only");
        assertThat(out).doesNotExist();
    }

    @Test
    void instrumentsHasNoTextsForTextTasks(@TempDir Path tmp) {
        Path dir = SharedData.dir("instruments");
        CliTesting.Run r =
                CliTesting.run(
                        "tasks",
                        "--data",
                        dir.toString(),
                        "--tasks",
                        "index2item",
                        "--out",
                        tmp.resolve("x.jsonl").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("index2item needs item titles or descriptions")
                .contains("Instruments");
    }
}
