package org.lcrec.tasks;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * LC-Rec's six alignment tasks, named as LC-Rec's {@code --tasks} option names them.
 *
 * <p>Each task declares the placeholders its templates may use; {@link TemplateSet} rejects any
 * other.
 */
public enum TaskType {
    /** Sequential item prediction: history of indices → next item's index. */
    SEQREC("seqrec", 17, EnumSet.of(Placeholder.INTERS, Placeholder.ITEM)),
    /** Explicit index–language alignment: title and/or description → index. */
    ITEM2INDEX(
            "item2index",
            19,
            EnumSet.of(Placeholder.ITEM, Placeholder.TITLE, Placeholder.DESCRIPTION)),
    /** Explicit index–language alignment: index → title and/or description. */
    INDEX2ITEM(
            "index2item",
            17,
            EnumSet.of(Placeholder.ITEM, Placeholder.TITLE, Placeholder.DESCRIPTION)),
    /**
     * Asymmetric item prediction: history as indices or titles → next item's index, title or
     * description.
     */
    FUSIONSEQREC(
            "fusionseqrec",
            12,
            EnumSet.of(
                    Placeholder.INTERS,
                    Placeholder.INTER_TITLES,
                    Placeholder.ITEM,
                    Placeholder.TITLE,
                    Placeholder.DESCRIPTION)),
    /** Item prediction from a user intention or query (with optional history and preference). */
    ITEMSEARCH(
            "itemsearch",
            11,
            EnumSet.of(
                    Placeholder.INTERS,
                    Placeholder.ITEM,
                    Placeholder.EXPLICIT_PREFERENCE,
                    Placeholder.USER_RELATED_INTENTION,
                    Placeholder.ITEM_RELATED_INTENTION,
                    Placeholder.QUERY)),
    /** Personalised preference inference: history of indices → the user's preference text. */
    PREFERENCEOBTAIN(
            "preferenceobtain",
            11,
            EnumSet.of(Placeholder.INTERS, Placeholder.EXPLICIT_PREFERENCE));

    private final String id;
    private final int lcRecTemplates;
    private final Set<Placeholder> placeholders;

    TaskType(String id, int lcRecTemplates, Set<Placeholder> placeholders) {
        this.id = id;
        this.lcRecTemplates = lcRecTemplates;
        this.placeholders = placeholders;
    }

    /**
     * @return the name LC-Rec uses, e.g. {@code seqrec}
     */
    public String id() {
        return id;
    }

    /**
     * @return how many templates LC-Rec ships for this task (the built-in set has at least as many)
     */
    public int lcRecTemplateCount() {
        return lcRecTemplates;
    }

    /**
     * @return the placeholders this task's templates may use (unmodifiable)
     */
    public Set<Placeholder> placeholders() {
        return java.util.Collections.unmodifiableSet(placeholders);
    }

    /**
     * @return whether the task needs item titles or descriptions
     */
    public boolean needsItemText() {
        return this == ITEM2INDEX || this == INDEX2ITEM || this == FUSIONSEQREC;
    }

    /**
     * @return whether the task needs per-user preference/intention texts ({@code .user.json})
     */
    public boolean needsUserText() {
        return this == ITEMSEARCH || this == PREFERENCEOBTAIN;
    }

    /**
     * @param name a task name as LC-Rec spells it, any case
     * @return the task
     * @throws IllegalArgumentException naming the known tasks if there is no such task
     */
    public static TaskType parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (TaskType t : values()) {
            if (t.id.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown task \""
                        + name
                        + "\": expected one of "
                        + Arrays.stream(values())
                                .map(TaskType::id)
                                .collect(Collectors.joining(", ")));
    }

    /**
     * @param list a comma-separated list of task names, e.g. {@code seqrec,item2index}
     * @return the tasks in the given order (duplicates removed)
     * @throws IllegalArgumentException if a name is unknown or the list is empty
     */
    public static java.util.List<TaskType> parseList(String list) {
        java.util.LinkedHashSet<TaskType> out = new java.util.LinkedHashSet<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected at least one task name, found \"" + list + "\"");
        }
        return java.util.List.copyOf(out);
    }

    @Override
    public String toString() {
        return id;
    }
}
