package org.lcrec.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.Split;

class JsonlExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Jackson is the independent reference: every escaped string must parse back unchanged. */
    @Test
    void noSamplesAtAllFailsAndLeavesTheTargetAlone(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("tasks.jsonl");
        Files.writeString(file, "an earlier export\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                new JsonlExporter(ExportFormat.ALPACA)
                                        .write(java.util.Collections.emptyIterator(), file))
                .isInstanceOf(org.lcrec.core.DatasetException.class)
                .hasMessageContaining(file + ": no samples to write");
        assertThat(Files.readString(file)).isEqualTo("an earlier export\n");
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).as("no temporary file left").isEqualTo(1);
        }
    }

    @Test
    void escaperRoundTripsThroughJacksonOnRandomText() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        String alphabet = "ab \"\\/\n\r\t\b\f\u0000\u0001\u001f\u007f\u00e9\u2028\u2029\u4e2d";
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder s = new StringBuilder();
            int len = rng.nextInt(30);
            for (int i = 0; i < len; i++) {
                s.append(alphabet.charAt(rng.nextInt(alphabet.length())));
            }
            if (rng.nextInt(4) == 0) {
                s.append("\ud83c\udfb8"); // a surrogate pair (guitar emoji)
            }
            String quoted = JsonStrings.quote(s);
            assertThat(JSON.readValue(quoted, String.class)).isEqualTo(s.toString());
            // no raw control characters survive
            assertThat(quoted.chars().noneMatch(c -> c < 0x20)).isTrue();
        }
        assertThat(JsonStrings.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    /** The byte escaper equals the char escaper followed by Java's UTF-8 encoder. */
    @Test
    void utf8BufferMatchesJavasEncoderOnRandomText() {
        SplittableRandom rng = new SplittableRandom(2);
        String alphabet =
                "ab\"\\\n\u0001\u007f\u0080\u07ff\u0800\u00e9\u2028\u4e2d\ud83c\udfb8\ud800\udc00";
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder s = new StringBuilder();
            int len = rng.nextInt(40);
            for (int i = 0; i < len; i++) {
                s.append(alphabet.charAt(rng.nextInt(alphabet.length())));
            }
            String str = s.toString();
            Utf8Buffer b = new Utf8Buffer(1);
            b.appendJsonEscaped(str).appendInt(rng.nextInt() >> rng.nextInt(31));
            String expected = JsonStrings.appendEscaped(new StringBuilder(), str).toString();
            byte[] want = expected.getBytes(StandardCharsets.UTF_8);
            assertThat(
                            java.util.Arrays.copyOf(
                                    b.toString().getBytes(StandardCharsets.UTF_8), want.length))
                    .isEqualTo(want);
            assertThat(Utf8Buffer.jsonBytes(str)).isEqualTo(want);
        }
        assertThat(
                        new Utf8Buffer(2)
                                .appendInt(-120)
                                .appendInt(0)
                                .appendInt(Integer.MIN_VALUE)
                                .toString())
                .isEqualTo("-1200-2147483648");
    }

    @Test
    void threeShapesParseAndKeepPromptAndResponseApart(@TempDir Path dir) throws Exception {
        Dataset syn = Dataset.synthetic();
        TaskGenerator g = TaskGenerator.of(syn);
        List<TaskType> tasks = List.of(TaskType.SEQREC, TaskType.INDEX2ITEM);
        List<Sample> samples = g.stream(tasks, Split.TRAIN).collect(Collectors.toList());
        for (ExportFormat f : ExportFormat.values()) {
            Path out = dir.resolve(f.id() + ".jsonl");
            long n = new JsonlExporter(f).write(g.iterator(tasks, Split.TRAIN), out);
            assertThat(n).isEqualTo(samples.size());
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(samples.size());
            for (int i = 0; i < lines.size(); i += 97) {
                JsonNode j = JSON.readTree(lines.get(i));
                Sample s = samples.get(i);
                switch (f) {
                    case ALPACA -> {
                        assertThat(j.get("instruction").textValue()).isEqualTo(s.instruction());
                        assertThat(j.get("input").textValue()).isEmpty();
                        assertThat(j.get("output").textValue()).isEqualTo(s.response());
                        assertThat(j.size()).isEqualTo(3);
                    }
                    case CHAT -> {
                        JsonNode m = j.get("messages");
                        assertThat(m.get(0).get("role").textValue()).isEqualTo("user");
                        assertThat(m.get(0).get("content").textValue()).isEqualTo(s.instruction());
                        assertThat(m.get(1).get("role").textValue()).isEqualTo("assistant");
                        assertThat(m.get(1).get("content").textValue()).isEqualTo(s.response());
                    }
                    case LCREC -> {
                        assertThat(j.get("version").intValue()).isEqualTo(1);
                        assertThat(j.get("task").textValue()).isEqualTo(s.task().id());
                        assertThat(j.get("template").intValue()).isEqualTo(s.templateId());
                        assertThat(j.get("prompt").textValue()).isEqualTo(s.sftPrompt());
                        assertThat(j.get("prompt").textValue()).endsWith("### Response:");
                        assertThat(j.get("response").textValue()).isEqualTo(s.response());
                        assertThat(j.get("target").intValue()).isEqualTo(s.targetItem());
                        if (s.user() == null) {
                            assertThat(j.get("user").isNull()).isTrue();
                        } else {
                            assertThat(j.get("user").textValue()).isEqualTo(s.user());
                        }
                    }
                }
            }
        }
    }

    @Test
    void textWithQuotesNewlinesAndUnicodeSurvivesExport() throws Exception {
        Sample s =
                new Sample(
                        TaskType.INDEX2ITEM,
                        12,
                        "What is <a_1><b_2>? \"quoted\" \\ back",
                        "Caf\u00e9 \u4e2d\n\nline\ttab \ud83c\udfb8",
                        3,
                        null);
        for (ExportFormat f : ExportFormat.values()) {
            String line = new JsonlExporter(f).line(s);
            assertThat(line).endsWith("}\n");
            assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
            JsonNode j = JSON.readTree(line);
            String response =
                    switch (f) {
                        case ALPACA -> j.get("output").textValue();
                        case CHAT -> j.get("messages").get(1).get("content").textValue();
                        case LCREC -> j.get("response").textValue();
                    };
            assertThat(response).isEqualTo(s.response());
        }
        assertThat(ExportFormat.parse("Chat")).isEqualTo(ExportFormat.CHAT);
    }

    /** The fused path (generator fills straight into the buffer) equals building samples first. */
    @Test
    void fusedGenerationWritesTheSameBytesAsSampleByPath() throws Exception {
        Dataset syn = Dataset.synthetic();
        java.util.Map<String, List<String>> prefs = new java.util.LinkedHashMap<>();
        java.util.Map<String, org.lcrec.core.UserProfiles.Intention> train =
                new java.util.LinkedHashMap<>();
        for (int r = 0; r < 40; r++) {
            String u = syn.interactions().user(r);
            int[] seq = syn.interactions().sequence(r);
            prefs.put(u, List.of("Likes \"loud\" gear\nand C:\\paths", "\u2028odd\ttext"));
            train.put(
                    u,
                    new org.lcrec.core.UserProfiles.Intention(
                            seq[seq.length - 3],
                            java.util.Arrays.copyOf(seq, seq.length - 3),
                            List.of("I want \"quiet\"", "Item: <b>bold</b> \\ x")));
        }
        Dataset tricky =
                new Dataset(
                        "Tricky",
                        syn.items(),
                        syn.interactions(),
                        syn.index(),
                        new org.lcrec.core.UserProfiles(prefs, train, java.util.Map.of()),
                        null);
        TaskConfig c =
                TaskConfig.builder()
                        .separator("\t\"|\" ")
                        .numbered(true)
                        .promptSampleNum(TaskType.ITEMSEARCH, 3)
                        .build();
        TaskGenerator g = new TaskGenerator(tricky, TemplateSet.defaults(), c);
        List<TaskType> tasks = List.of(TaskType.values());
        for (ExportFormat f : ExportFormat.values()) {
            java.io.StringWriter fused = new java.io.StringWriter();
            java.io.StringWriter plain = new java.io.StringWriter();
            long a = new JsonlExporter(f).write(g.iterator(tasks, Split.TRAIN), fused);
            long b = new JsonlExporter(f).write(g.stream(tasks, Split.TRAIN).iterator(), plain);
            assertThat(a).isEqualTo(b).isPositive();
            assertThat(fused.toString()).isEqualTo(plain.toString());
            // the byte path (what files use) writes the UTF-8 encoding of the same text
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            long d = new JsonlExporter(f).write(g.iterator(tasks, Split.TRAIN), bytes);
            assertThat(d).isEqualTo(a);
            assertThat(bytes.toByteArray())
                    .isEqualTo(plain.toString().getBytes(StandardCharsets.UTF_8));
            // and every line is valid JSON
            for (String line : fused.toString().split("\n")) {
                JSON.readTree(line);
            }
        }
    }

    @Test
    void failedWriteLeavesNoFile(@TempDir Path dir) {
        Path out = dir.resolve("x.jsonl");
        java.util.Iterator<Sample> failing =
                new java.util.Iterator<>() {
                    int n;

                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public Sample next() {
                        if (++n > 1000) {
                            throw new IllegalStateException("boom");
                        }
                        return new Sample(TaskType.SEQREC, 0, "i", "r", 1, "u");
                    }
                };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new JsonlExporter(ExportFormat.ALPACA).write(failing, out))
                .hasMessage("boom");
        assertThat(out).doesNotExist();
        assertThat(dir.toFile().list()).isEmpty();
    }
}
