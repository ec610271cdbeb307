package org.lcrec.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule that keeps {@code examples/quickstart.ipynb} in step with {@code examples/*.jsh}: the
 * notebook is the scripts, in order, as cells. Each script's leading comment block becomes a
 * markdown cell (its first line a heading; the {@code // Run:} line left out), and the rest is
 * split at blank lines into code cells, without {@code // expect:} lines and jshell's {@code
 * /exit}. A first markdown cell introduces the notebook and a code cell tagged {@code setup} puts
 * the SDK on the kernel's class path ({@code %jars}, IJava's magic; not part of any script).
 *
 * <p>To regenerate the notebook after editing a script: {@code mvn -B -o -pl lcrec-cli test
 * -Dtest=ExamplesTest#notebookCellsAreTheScripts -Dlcrec.examples.writeNotebook=true}.
 */
final class ExamplesNotebook {
    static final String EXPECT = "// expect:";
    static final String SETUP_TAG = "setup";

    private static final String INTRO =
            "# LC-Rec for Java: quickstart\n"
                    + "\n"
                    + "The story of `examples/*.jsh` as notebook cells, for a Java kernel built on"
                    + " JShell (e.g. [IJava](https://github.com/SpencerPark/IJava)): a dataset, a"
                    + " semantic index, instruction data, a tiny model trained and asked for"
                    + " recommendations, then two evaluations compared.\n"
                    + "\n"
                    + "Build the SDK first (`mvn -B -pl lcrec-cli -am package -DskipTests` makes"
                    + " `lcrec-cli/target/lcrec.jar`, which holds every module) and open this"
                    + " notebook from `examples/`. The cells equal the scripts' code (a test checks"
                    + " it), so the same lines run in `jshell --class-path"
                    + " lcrec-cli/target/lcrec.jar examples/0N-....jsh`.";

    private static final String SETUP = "%jars ../lcrec-cli/target/lcrec.jar";

    private ExamplesNotebook() {}

    /** One cell: its type, its text, whether it is the setup cell. */
    record Cell(String type, String source, boolean setup) {}

    /** The cells the scripts call for, in order. */
    static List<Cell> cells(List<Path> scripts) throws IOException {
        List<Cell> cells = new ArrayList<>();
        cells.add(new Cell("markdown", INTRO, false));
        cells.add(new Cell("code", SETUP, true));
        for (Path p : scripts) {
            List<String> lines = Files.readAllLines(p);
            int i = 0;
            List<String> header = new ArrayList<>();
            while (i < lines.size() && lines.get(i).startsWith("//")) {
                String t = lines.get(i).substring(2).strip();
                if (!t.startsWith("Run:")) {
                    header.add(header.isEmpty() ? "## " + t : t);
                }
                i++;
            }
            cells.add(new Cell("markdown", String.join("\n", header), false));
            List<String> block = new ArrayList<>();
            for (; i <= lines.size(); i++) {
                String line = i < lines.size() ? lines.get(i) : "";
                String t = line.strip();
                if (t.isEmpty()) {
                    if (!block.isEmpty()) {
                        cells.add(new Cell("code", String.join("\n", block), false));
                        block.clear();
                    }
                } else if (!t.startsWith(EXPECT) && !t.equals("/exit")) {
                    block.add(line);
                }
            }
        }
        return cells;
    }

    /** The cells of a notebook file. */
    static List<Cell> read(Path notebook) throws IOException {
        JsonNode root = new ObjectMapper().readTree(notebook.toFile());
        List<Cell> cells = new ArrayList<>();
        for (JsonNode c : root.path("cells")) {
            StringBuilder src = new StringBuilder();
            JsonNode s = c.path("source");
            if (s.isArray()) {
                s.forEach(l -> src.append(l.asText()));
            } else {
                src.append(s.asText());
            }
            boolean setup = false;
            for (JsonNode tag : c.path("metadata").path("tags")) {
                setup |= tag.asText().equals(SETUP_TAG);
            }
            cells.add(new Cell(c.path("cell_type").asText(), src.toString(), setup));
        }
        return cells;
    }

    /** Writes the notebook (nbformat 4, a Java kernel's metadata, no outputs). */
    static void write(Path notebook, List<Cell> cells) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode arr = root.putArray("cells");
        for (Cell c : cells) {
            ObjectNode n = arr.addObject();
            n.put("cell_type", c.type());
            ObjectNode meta = n.putObject("metadata");
            if (c.setup()) {
                meta.putArray("tags").add(SETUP_TAG);
            }
            if (c.type().equals("code")) {
                n.putNull("execution_count");
                n.putArray("outputs");
            }
            ArrayNode src = n.putArray("source");
            String[] lines = c.source().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                src.add(i < lines.length - 1 ? lines[i] + "\n" : lines[i]);
            }
        }
        ObjectNode meta = root.putObject("metadata");
        ObjectNode ks = meta.putObject("kernelspec");
        ks.put("display_name", "Java");
        ks.put("language", "java");
        ks.put("name", "java");
        ObjectNode li = meta.putObject("language_info");
        li.put("codemirror_mode", "java");
        li.put("file_extension", ".jshell");
        li.put("mimetype", "text/x-java-source");
        li.put("name", "Java");
        li.put("pygments_lexer", "java");
        li.put("version", "17");
        root.put("nbformat", 4);
        root.put("nbformat_minor", 4);
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
        pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        String json = m.writer(pp).writeValueAsString(root).replace("\r\n", "\n") + "\n";
        Files.writeString(notebook, json);
    }
}
