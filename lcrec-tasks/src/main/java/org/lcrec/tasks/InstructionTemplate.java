package org.lcrec.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One prompt template of a task: an instruction and a response, each text with {@code {key}}
 * placeholders ({@link Placeholder}); {@code {{} and {@code }}} stand for literal braces. Parsed
 * once into literal pieces and slots, so filling it costs only appends. Immutable.
 */
public final class InstructionTemplate {
    private final TaskType task;
    private final int id;
    private final String instruction;
    private final String response;
    final Part instructionPart;
    final Part responsePart;
    private final int needs;

    /**
     * Parses and validates a template.
     *
     * @param task the task it belongs to (decides which placeholders are allowed)
     * @param id its id within the task (its position in the task's list)
     * @param instruction the instruction text
     * @param response the response text
     * @throws IllegalArgumentException naming the task, the id and the offending text if a
     *     placeholder is unknown or not available to the task, a brace is unbalanced, or the
     *     response is empty
     */
    public InstructionTemplate(TaskType task, int id, String instruction, String response) {
        this.task = Objects.requireNonNull(task, "task");
        this.id = id;
        this.instruction = Objects.requireNonNull(instruction, "instruction");
        this.response = Objects.requireNonNull(response, "response");
        String where = "template " + task.id() + "#" + id;
        if (instruction.isBlank()) {
            throw new IllegalArgumentException(where + ": expected an instruction, found none");
        }
        if (response.isBlank()) {
            throw new IllegalArgumentException(where + ": expected a response, found none");
        }
        this.instructionPart = Part.parse(task, where + " instruction", instruction);
        this.responsePart = Part.parse(task, where + " response", response);
        if (responsePart.slots.length == 0) {
            throw new IllegalArgumentException(
                    where
                            + " response: expected at least one placeholder (the answer), found the"
                            + " fixed text \""
                            + response
                            + "\"");
        }
        this.needs = instructionPart.mask | responsePart.mask;
    }

    /**
     * @return the task
     */
    public TaskType task() {
        return task;
    }

    /**
     * @return the id within the task
     */
    public int id() {
        return id;
    }

    /**
     * @return the instruction text as written
     */
    public String instruction() {
        return instruction;
    }

    /**
     * @return the response text as written
     */
    public String response() {
        return response;
    }

    /**
     * @return the placeholders used in instruction and response
     */
    public Set<Placeholder> placeholders() {
        EnumSet<Placeholder> s = EnumSet.noneOf(Placeholder.class);
        for (Placeholder p : Placeholder.values()) {
            if ((needs & (1 << p.ordinal())) != 0) {
                s.add(p);
            }
        }
        return Collections.unmodifiableSet(s);
    }

    /**
     * @param p a placeholder
     * @return whether instruction or response uses it
     */
    public boolean uses(Placeholder p) {
        return (needs & (1 << p.ordinal())) != 0;
    }

    /** Bit set of the placeholders used (bit = ordinal). */
    int needsMask() {
        return needs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstructionTemplate t
                && task == t.task
                && id == t.id
                && instruction.equals(t.instruction)
                && response.equals(t.response);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, id, instruction, response);
    }

    @Override
    public String toString() {
        return "InstructionTemplate("
                + task.id()
                + "#"
                + id
                + ": \""
                + instruction
                + "\" -> \""
                + response
                + "\")";
    }

    /** A parsed text: {@code literals[0] slot[0] literals[1] ... slot[n-1] literals[n]}. */
    static final class Part {
        final String[] literals;
        final String[] jsonLiterals;
        final byte[][] jsonBytes;
        final Placeholder[] slots;
        final int mask;

        private Part(String[] literals, Placeholder[] slots) {
            this.literals = literals;
            this.jsonLiterals = new String[literals.length];
            this.jsonBytes = new byte[literals.length][];
            for (int i = 0; i < literals.length; i++) {
                jsonLiterals[i] =
                        JsonStrings.appendEscaped(new StringBuilder(), literals[i]).toString();
                jsonBytes[i] = Utf8Buffer.jsonBytes(literals[i]);
            }
            this.slots = slots;
            int m = 0;
            for (Placeholder p : slots) {
                m |= 1 << p.ordinal();
            }
            this.mask = m;
        }

        static Part parse(TaskType task, String where, String text) {
            List<String> literals = new ArrayList<>();
            List<Placeholder> slots = new ArrayList<>();
            StringBuilder lit = new StringBuilder();
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '{') {
                    if (i + 1 < n && text.charAt(i + 1) == '{') {
                        lit.append('{');
                        i += 2;
                        continue;
                    }
                    int close = text.indexOf('}', i + 1);
                    int nextOpen = text.indexOf('{', i + 1);
                    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
                        throw new IllegalArgumentException(
                                where
                                        + ": unbalanced '{' at offset "
                                        + i
                                        + " (write '{{' for a literal brace) in \""
                                        + text
                                        + "\"");
                    }
                    String key = text.substring(i + 1, close);
                    Placeholder p = Placeholder.byKey(key);
                    if (p == null) {
                        throw new IllegalArgumentException(
                                where
                                        + ": unknown placeholder {"
                                        + key
                                        + "}; expected one of "
                                        + task.placeholders()
                                        + " for task "
                                        + task.id());
                    }
                    if (!task.placeholders().contains(p)) {
                        throw new IllegalArgumentException(
                                where
                                        + ": placeholder "
                                        + p
                                        + " is not available to task "
                                        + task.id()
                                        + "; expected one of "
                                        + task.placeholders());
                    }
                    literals.add(lit.toString());
                    lit.setLength(0);
                    slots.add(p);
                    i = close + 1;
                } else if (c == '}') {
                    if (i + 1 < n && text.charAt(i + 1) == '}') {
                        lit.append('}');
                        i += 2;
                        continue;
                    }
                    throw new IllegalArgumentException(
                            where
                                    + ": unbalanced '}' at offset "
                                    + i
                                    + " (write '}}' for a literal brace) in \""
                                    + text
                                    + "\"");
                } else {
                    lit.append(c);
                    i++;
                }
            }
            literals.add(lit.toString());
            return new Part(literals.toArray(new String[0]), slots.toArray(new Placeholder[0]));
        }
    }
}
