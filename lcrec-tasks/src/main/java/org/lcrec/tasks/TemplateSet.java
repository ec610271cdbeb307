package org.lcrec.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.lcrec.core.DatasetException;
import org.lcrec.core.io.AtomicFiles;

/**
 * The prompt templates of some or all tasks. Immutable.
 *
 * <p>On disk (the built-in set is the resource {@value #RESOURCE}):
 *
 * <pre>{@code
 * {"format": "lcrec-task-templates", "version": 1,
 *  "tasks": {"seqrec": [{"instruction": "... {inters} ...", "response": "{item}"}, ...], ...}}
 * }</pre>
 *
 * A template's id is its position in its task's list, as in LC-Rec's {@code prompt.py}, so LC-Rec's
 * own prompts converted to this form keep their ids. Its placeholders are the ones used here, so
 * the conversion is a dump of its {@code all_prompt} dictionary, run next to {@code prompt.py}:
 *
 * <pre>{@code
 * python3 -c "import json, prompt; json.dump({'format': 'lcrec-task-templates', 'version': 1,
 *     'tasks': prompt.all_prompt}, open('lcrec-prompts.json', 'w'), indent=1)"
 * }</pre>
 *
 * Placeholders are checked against the task ({@link TaskType#placeholders()}); an unknown one is an
 * error naming file, task, id and key.
 */
public final class TemplateSet {
    /** The value of the {@code format} field. */
    public static final String FORMAT = "lcrec-task-templates";

    /** The file-format version this class reads and writes. */
    public static final int VERSION = 1;

    /** Class-path location of the built-in templates. */
    public static final String RESOURCE = "/org/lcrec/tasks/templates.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile TemplateSet defaults;

    private final Map<TaskType, List<InstructionTemplate>> templates;

    private TemplateSet(Map<TaskType, List<InstructionTemplate>> templates) {
        EnumMap<TaskType, List<InstructionTemplate>> m = new EnumMap<>(TaskType.class);
        templates.forEach((k, v) -> m.put(k, List.copyOf(v)));
        this.templates = Collections.unmodifiableMap(m);
    }

    /**
     * A set from templates in memory.
     *
     * @param templates task → its templates, each with id = its position
     * @return the set
     * @throws IllegalArgumentException if a template's task or id does not match its place
     */
    public static TemplateSet of(Map<TaskType, List<InstructionTemplate>> templates) {
        templates.forEach(
                (task, list) -> {
                    for (int i = 0; i < list.size(); i++) {
                        InstructionTemplate t = list.get(i);
                        if (t.task() != task || t.id() != i) {
                            throw new IllegalArgumentException(
                                    "templates of "
                                            + task.id()
                                            + ": position "
                                            + i
                                            + " expected template "
                                            + task.id()
                                            + "#"
                                            + i
                                            + ", found "
                                            + t.task().id()
                                            + "#"
                                            + t.id());
                        }
                    }
                    if (list.isEmpty()) {
                        throw new IllegalArgumentException(
                                "templates of " + task.id() + ": expected at least one template");
                    }
                });
        return new TemplateSet(templates);
    }

    /**
     * @return the project's built-in templates (all six tasks)
     */
    public static TemplateSet defaults() {
        TemplateSet d = defaults;
        if (d == null) {
            try (InputStream in = TemplateSet.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing");
                }
                d = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            defaults = d;
        }
        return d;
    }

    /**
     * Reads a template file.
     *
     * @param file the JSON file
     * @return the set it holds
     * @throws DatasetException naming the file and the problem
     */
    public static TemplateSet load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read template file " + file + ": " + e, e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses template JSON.
     *
     * @param json the text
     * @param source where it came from (for messages)
     * @return the set
     * @throws DatasetException naming the source, task, template and problem
     */
    public static TemplateSet parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DatasetException(
                    source
                            + ": expected template JSON, found malformed JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException(source + ": expected a JSON object at top level");
        }
        JsonNode format = root.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new DatasetException(
                    source
                            + ": field \"format\": expected \""
                            + FORMAT
                            + "\", found "
                            + (format == null ? "nothing" : format.toString()));
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new DatasetException(
                    source
                            + ": field \"version\": expected "
                            + VERSION
                            + ", found "
                            + (version == null ? "nothing" : version.toString()));
        }
        JsonNode tasks = root.get("tasks");
        if (tasks == null || !tasks.isObject() || tasks.isEmpty()) {
            throw new DatasetException(
                    source + ": field \"tasks\": expected an object of task name → templates");
        }
        Map<TaskType, List<InstructionTemplate>> out = new EnumMap<>(TaskType.class);
        for (Map.Entry<String, JsonNode> e : tasks.properties()) {
            TaskType task;
            try {
                task = TaskType.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new DatasetException(source + ": tasks: " + ex.getMessage(), ex);
            }
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty()) {
                throw new DatasetException(
                        source
                                + ": tasks."
                                + task.id()
                                + ": expected a non-empty array of templates");
            }
            List<InstructionTemplate> parsed = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                JsonNode t = list.get(i);
                String where = source + ": tasks." + task.id() + "[" + i + "]";
                if (!t.isObject()) {
                    throw new DatasetException(
                            where + ": expected {\"instruction\", \"response\"}, found " + t);
                }
                String instruction = textField(t, "instruction", where);
                String response = textField(t, "response", where);
                try {
                    parsed.add(new InstructionTemplate(task, i, instruction, response));
                } catch (IllegalArgumentException ex) {
                    throw new DatasetException(source + ": " + ex.getMessage(), ex);
                }
            }
            out.put(task, parsed);
        }
        return new TemplateSet(out);
    }

    private static String textField(JsonNode t, String name, String where) {
        JsonNode v = t.get(name);
        if (v == null || !v.isTextual()) {
            throw new DatasetException(
                    where
                            + ": field \""
                            + name
                            + "\": expected a string, found "
                            + (v == null ? "nothing" : v.toString()));
        }
        return v.textValue();
    }

    /**
     * Writes the set in the JSON form {@link #load} reads (atomically).
     *
     * @param file the target
     */
    public void write(Path file) {
        AtomicFiles.writeString(file, toJson());
    }

    /**
     * @return the set as template JSON
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode tasks = root.putObject("tasks");
        templates.forEach(
                (task, list) -> {
                    ArrayNode arr = tasks.putArray(task.id());
                    for (InstructionTemplate t : list) {
                        arr.addObject()
                                .put("instruction", t.instruction())
                                .put("response", t.response());
                    }
                });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise templates", e);
        }
    }

    /**
     * @param other another set
     * @return this set with the tasks {@code other} defines replaced by its templates
     */
    public TemplateSet withOverrides(TemplateSet other) {
        EnumMap<TaskType, List<InstructionTemplate>> m = new EnumMap<>(TaskType.class);
        m.putAll(templates);
        m.putAll(other.templates);
        return new TemplateSet(m);
    }

    /**
     * @param task a task
     * @return whether the set has templates for it
     */
    public boolean has(TaskType task) {
        return templates.containsKey(task);
    }

    /**
     * @param task a task
     * @return its templates, id order
     * @throws IllegalArgumentException if the set has none for the task
     */
    public List<InstructionTemplate> get(TaskType task) {
        List<InstructionTemplate> l = templates.get(Objects.requireNonNull(task, "task"));
        if (l == null) {
            throw new IllegalArgumentException(
                    "template set has no templates for task "
                            + task.id()
                            + "; it covers "
                            + templates.keySet());
        }
        return l;
    }

    /**
     * @param task a task
     * @param id a template id
     * @return the template
     * @throws IllegalArgumentException if there is no such template
     */
    public InstructionTemplate get(TaskType task, int id) {
        List<InstructionTemplate> l = get(task);
        if (id < 0 || id >= l.size()) {
            throw new IllegalArgumentException(
                    "task "
                            + task.id()
                            + ": expected a template id in 0.."
                            + (l.size() - 1)
                            + ", found "
                            + id);
        }
        return l.get(id);
    }

    /**
     * @return the tasks covered, in enum order
     */
    public java.util.Set<TaskType> tasks() {
        return templates.keySet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemplateSet s && templates.equals(s.templates);
    }

    @Override
    public int hashCode() {
        return templates.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TemplateSet(");
        boolean first = true;
        for (Map.Entry<TaskType, List<InstructionTemplate>> e : templates.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey().id()).append('=').append(e.getValue().size());
        }
        return sb.append(')').toString();
    }
}
