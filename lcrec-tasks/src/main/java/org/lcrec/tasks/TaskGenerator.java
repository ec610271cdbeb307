package org.lcrec.tasks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.lcrec.core.Dataset;
import org.lcrec.core.Interactions;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.Split;
import org.lcrec.core.TextCleaner;
import org.lcrec.core.UserProfiles;

/**
 * Turns a dataset into instruction samples for LC-Rec's six tasks, lazily.
 *
 * <p>Examples per task and split:
 *
 * <ul>
 *   <li>{@code seqrec}, {@code fusionseqrec}: leave-one-out positions of lcrec-core's {@link
 *       org.lcrec.core.LeaveOneOut} (train: every position {@code 1..n-3}; valid: {@code n-2};
 *       test: {@code n-1}), history capped to the most recent {@link TaskConfig#maxHistory()}.
 *   <li>{@code item2index}, {@code index2item}: every indexed catalogue item (train only).
 *   <li>{@code itemsearch}: every user of the train (or test) intention block of {@code
 *       .user.json}; the target is the intention's item, the history the items before it.
 *   <li>{@code preferenceobtain}: every user with preference texts; the history is the user's
 *       sequence without its last three items, as the preference texts were written from it (train
 *       only).
 * </ul>
 *
 * <p>Training: optional subsampling to {@link TaskConfig#sampleNum} examples (selection sampling,
 * order kept), then {@link TaskConfig#promptSampleNum} copies per example, each with a template
 * drawn uniformly among those whose fields the example has. Validation and test: one sample per
 * example per chosen template ({@link TaskConfig#evalTemplates}). Every random choice is a hash of
 * (seed, task, example, copy or template), so the output depends on nothing but the configuration,
 * and a template's samples do not change when other templates are added or removed.
 *
 * <p>Text fields are cleaned with {@link TextCleaner#cleanTitle} and {@link TextCleaner#clean}
 * (malformed stringified lists are first read leniently); an empty field is never emitted: the
 * (example, template) pair is skipped and counted in the {@link GenerationReport}.
 *
 * @implNote the generator holds per-item index strings and cleaned texts (computed once, on first
 *     use); samples are built one at a time into a reused buffer. A generator is safe to share
 *     between threads; each iterator belongs to one thread.
 */
public final class TaskGenerator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long SALT_PREFERENCE = 0x5EED_0001L;
    private static final long SALT_QUERY = 0x5EED_0002L;
    private static final long SALT_SUBSAMPLE = 0x5EED_0003L;

    private final Dataset data;
    private final TemplateSet templates;
    private final TaskConfig config;
    private final ItemCatalog catalog;
    private volatile String[] tokens;
    private volatile byte[][] tokenBytes;
    private volatile String[][] texts;
    private volatile byte[][][] textBytes;

    /**
     * @param data the dataset
     * @param templates the templates
     * @param config the sampling configuration
     */
    public TaskGenerator(Dataset data, TemplateSet templates, TaskConfig config) {
        this.data = Objects.requireNonNull(data, "data");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.config = Objects.requireNonNull(config, "config");
        this.catalog = data.items();
    }

    /**
     * @param data the dataset
     * @return a generator with the built-in templates and LC-Rec's default configuration
     */
    public static TaskGenerator of(Dataset data) {
        return new TaskGenerator(data, TemplateSet.defaults(), TaskConfig.defaults());
    }

    /**
     * @return the configuration
     */
    public TaskConfig config() {
        return config;
    }

    /**
     * @return the templates
     */
    public TemplateSet templates() {
        return templates;
    }

    /**
     * Why a task cannot be built, if it cannot.
     *
     * @param task a task
     * @param split a split
     * @return {@code null} if available, else a message naming the dataset, task and what is
     *     missing
     */
    public String unavailableReason(TaskType task, Split split) {
        String name = data.name();
        if (!templates.has(task)) {
            return "task " + task.id() + ": the template set has no templates for it";
        }
        if (!data.hasIndex()) {
            return "task "
                    + task.id()
                    + " needs a semantic index, but dataset "
                    + name
                    + " has none ("
                    + name
                    + ".index.json); build one with `lcrec index`";
        }
        boolean trainOnly =
                task == TaskType.ITEM2INDEX
                        || task == TaskType.INDEX2ITEM
                        || task == TaskType.PREFERENCEOBTAIN;
        if (trainOnly && split != Split.TRAIN) {
            return "task "
                    + task.id()
                    + " has training data only (LC-Rec uses it for alignment, not evaluation);"
                    + " requested split "
                    + split.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (task.needsItemText() && catalog.itemsWithText() == 0) {
            return "task "
                    + task.id()
                    + " needs item titles or descriptions, but dataset "
                    + name
                    + " has none (0 of "
                    + catalog.size()
                    + " items have text; "
                    + name
                    + ".item.json is missing or empty)";
        }
        if (task.needsUserText()) {
            UserProfiles u = data.users();
            String missing =
                    "task "
                            + task.id()
                            + " needs per-user preference and intention texts ("
                            + name
                            + ".user.json), but dataset "
                            + name;
            if (u.isEmpty()) {
                return missing
                        + " has none; generate them with org.lcrec.tasks.llm.UserTextGenerator";
            }
            if (task == TaskType.PREFERENCEOBTAIN && u.preferences().isEmpty()) {
                return missing + " has no user_explicit_preference entries";
            }
            if (task == TaskType.ITEMSEARCH) {
                if (split == Split.VALID) {
                    return "task itemsearch has no validation data: "
                            + name
                            + ".user.json holds train and test intentions only";
                }
                Map<String, UserProfiles.Intention> block =
                        split == Split.TRAIN ? u.trainIntentions() : u.testIntentions();
                if (block.isEmpty()) {
                    return missing
                            + " has no user_vague_intention."
                            + (split == Split.TRAIN ? "train" : "test")
                            + " entries";
                }
            }
        }
        return null;
    }

    /**
     * @param task a task
     * @param split a split
     * @throws TaskUnavailableException if the dataset cannot provide the task
     */
    public void requireAvailable(TaskType task, Split split) {
        String reason = unavailableReason(task, split);
        if (reason != null) {
            throw new TaskUnavailableException(task, reason);
        }
    }

    /**
     * The samples of some tasks, task after task, lazily. Availability of every task is checked
     * before the first sample.
     *
     * @param tasks the tasks, in output order
     * @param split the split
     * @return an iterator whose {@link SampleIterator#report()} counts what it produced
     * @throws TaskUnavailableException if a task cannot be built from the dataset
     */
    public SampleIterator iterator(List<TaskType> tasks, Split split) {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(split, "split");
        for (TaskType t : tasks) {
            requireAvailable(t, split);
            if (split != Split.TRAIN) {
                int n = templates.get(t).size();
                for (int id : config.evalTemplates(t)) {
                    if (id >= n) {
                        throw new IllegalArgumentException(
                                "evalTemplates for "
                                        + t.id()
                                        + ": template id "
                                        + id
                                        + " does not exist (the set has "
                                        + n
                                        + " templates)");
                    }
                }
            }
        }
        return new SampleIterator(this, List.copyOf(tasks), split, 0, Long.MAX_VALUE);
    }

    /**
     * How many base examples one task has for a split, before subsampling: the range that {@link
     * #iterator(TaskType, Split, long, long)} cuts into pieces.
     *
     * @param task a task
     * @param split a split
     * @return the number of examples (leave-one-out positions, indexed items or users)
     * @throws TaskUnavailableException if the dataset cannot provide the task
     */
    public long exampleCount(TaskType task, Split split) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(split, "split");
        requireAvailable(task, split);
        return Examples.of(this, task, split).total();
    }

    /**
     * The samples of the examples {@code [fromExample, toExample)} of one task: exactly the
     * samples, in the same order, that {@link #iterator(List, Split)} yields for those examples.
     * Every random choice is the one of the whole pass (it hashes the example's position in the
     * task), and the subsample ({@link TaskConfig#sampleNum}) is the whole pass's: its draws for
     * the examples before {@code fromExample} are replayed without building them. Consecutive
     * ranges therefore concatenate to the whole task, and their reports add up to the whole report;
     * this is how several machines write one task's data (lcrec-spark).
     *
     * @param task a task
     * @param split a split
     * @param fromExample first example, {@code >= 0}
     * @param toExample end of the range (exclusive), {@code >= fromExample}; may exceed {@link
     *     #exampleCount}
     * @return an iterator whose {@link SampleIterator#report()} counts this range only
     * @throws TaskUnavailableException if the dataset cannot provide the task
     * @implNote skipping to {@code fromExample} costs O(users) for the leave-one-out tasks and
     *     O(items) for the item tasks, plus one random draw per skipped example under subsampling;
     *     the user-text tasks step through their users.
     */
    public SampleIterator iterator(TaskType task, Split split, long fromExample, long toExample) {
        if (fromExample < 0 || toExample < fromExample) {
            throw new IllegalArgumentException(
                    "expected 0 <= fromExample <= toExample, found "
                            + fromExample
                            + " and "
                            + toExample);
        }
        iterator(List.of(task), split); // the same checks as a whole pass
        return new SampleIterator(this, List.of(task), split, fromExample, toExample);
    }

    /**
     * @param tasks the tasks, in output order
     * @param split the split
     * @return the samples as a sequential, lazy stream
     */
    public Stream<Sample> stream(List<TaskType> tasks, Split split) {
        SampleIterator it = iterator(tasks, split);
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /**
     * @param task a task
     * @param split a split
     * @return the samples of one task as a lazy stream
     */
    public Stream<Sample> stream(TaskType task, Split split) {
        return stream(List.of(task), split);
    }

    /**
     * @param tasks tasks
     * @param split a split
     * @return the report of a full pass (samples are built and dropped)
     */
    public GenerationReport count(List<TaskType> tasks, Split split) {
        SampleIterator it = iterator(tasks, split);
        while (it.hasNext()) {
            it.next();
        }
        return it.report();
    }

    // ------------------------------------------------------------------ per-item caches

    String[] tokens() {
        String[] t = tokens;
        if (t == null) {
            SemanticIndex index = data.index();
            List<Item> items = catalog.items();
            t = new String[items.size()];
            for (int p = 0; p < t.length; p++) {
                int id = items.get(p).id();
                if (index.contains(id)) {
                    t[p] = index.get(id).toTokenString();
                }
            }
            tokens = t;
        }
        return t;
    }

    /** Index strings as ASCII bytes (index tokens never need JSON escaping). */
    byte[][] tokenBytes() {
        byte[][] b = tokenBytes;
        if (b == null) {
            String[] t = tokens();
            b = new byte[t.length][];
            for (int p = 0; p < t.length; p++) {
                if (t[p] != null) {
                    b[p] = Utf8Buffer.jsonBytes(t[p]);
                }
            }
            tokenBytes = b;
        }
        return b;
    }

    /** [0] = titles, [1] = descriptions, JSON-escaped UTF-8, by catalogue position. */
    byte[][][] textBytes() {
        byte[][][] b = textBytes;
        if (b == null) {
            String[][] t = texts();
            b = new byte[2][t[0].length][];
            for (int p = 0; p < t[0].length; p++) {
                b[0][p] = Utf8Buffer.jsonBytes(t[0][p]);
                b[1][p] = Utf8Buffer.jsonBytes(t[1][p]);
            }
            textBytes = b;
        }
        return b;
    }

    /** [0] = cleaned titles, [1] = cleaned descriptions, by catalogue position. */
    String[][] texts() {
        String[][] t = texts;
        if (t == null) {
            List<Item> items = catalog.items();
            String[] titles = new String[items.size()];
            String[] descriptions = new String[items.size()];
            for (int p = 0; p < titles.length; p++) {
                Item item = items.get(p);
                titles[p] = TextCleaner.cleanTitle(item.title());
                descriptions[p] = TextCleaner.clean(item.description());
            }
            t = new String[][] {titles, descriptions};
            texts = t;
        }
        return t;
    }

    Dataset data() {
        return data;
    }

    // ------------------------------------------------------------------ hashing

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long hash(long seed, int task, long example, long copy) {
        long h = mix(seed + GOLDEN * (task + 1));
        h = mix(h + GOLDEN * (example + 1));
        return mix(h + GOLDEN * (copy + 1));
    }

    /** A uniform int in {@code [0, n)} from the high 32 bits of {@code h}. */
    static int below(long h, int n) {
        return (int) (((h >>> 32) * n) >>> 32);
    }

    // ------------------------------------------------------------------ iteration

    /**
     * A lazy iterator over samples of several tasks; {@link #report()} gives the counts so far
     * (final once exhausted). Not thread-safe.
     */
    public static final class SampleIterator implements Iterator<Sample> {
        private final TaskGenerator gen;
        private final List<TaskType> tasks;
        private final Split split;
        private final List<GenerationReport.TaskCount> done = new ArrayList<>();
        private final long fromExample;
        private final long toExample;
        private int taskIndex = -1;
        private TaskIterator current;
        private Sample next;

        SampleIterator(
                TaskGenerator gen,
                List<TaskType> tasks,
                Split split,
                long fromExample,
                long toExample) {
            this.gen = gen;
            this.tasks = tasks;
            this.split = split;
            this.fromExample = fromExample;
            this.toExample = toExample;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                TaskIterator t = stepTask();
                if (t == null) {
                    return false;
                }
                next = t.sample();
            }
            return true;
        }

        /**
         * Advances to the next sample without building it (for {@link JsonlExporter}'s fused path);
         * null at the end.
         */
        SampleView step() {
            if (next != null) {
                throw new IllegalStateException("a sample is pending: use next()");
            }
            return stepTask();
        }

        /** Whether {@link #step()} may be used (no sample was looked ahead). */
        boolean canStep() {
            return next == null;
        }

        private TaskIterator stepTask() {
            while (true) {
                if (current != null) {
                    if (current.step()) {
                        return current;
                    }
                    done.add(current.count());
                    current = null;
                }
                if (taskIndex + 1 >= tasks.size()) {
                    return null;
                }
                taskIndex++;
                current =
                        new TaskIterator(gen, tasks.get(taskIndex), split, fromExample, toExample);
            }
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Sample s = next;
            next = null;
            return s;
        }

        /**
         * @return counts per task so far (tasks not yet started are absent)
         */
        public GenerationReport report() {
            List<GenerationReport.TaskCount> all = new ArrayList<>(done);
            if (current != null) {
                all.add(current.count());
            }
            return new GenerationReport(split, all);
        }
    }

    /** Walks the examples of one task and fills templates. */
    private static final class TaskIterator implements SampleView {
        private final TaskType task;
        private final Split split;
        private final TaskConfig config;
        private final List<InstructionTemplate> templates;
        private final int[] evalIds;
        private final int[][] eligibleByMask;
        private final int usedMask;
        private final String[] tokens;
        private final String[] titles;
        private final String[] descriptions;
        private final byte[][] tokenBytes;
        private final byte[][] titleBytes;
        private final byte[][] descriptionBytes;
        private final byte[] separatorBytes;
        private final Examples examples;
        private final StringBuilder sb = new StringBuilder(512);

        // subsampling (selection sampling, Knuth's Algorithm S)
        private final long total;
        private final long keep;
        private final SplittableRandom subsample;
        private long visited;
        private long selected;
        private final long toExample;

        // current example
        private long exampleIndex = -1;
        private int slot; // next copy (train) or next eval id index
        private int[] eligible;
        private long hashBase;
        private int prefChoice;
        private int queryChoice;
        private int templateId;
        private InstructionTemplate template;
        private final int copies;
        private final boolean hasUserText;
        private final String separator;
        private final String jsonSeparator;
        private final boolean numbered;

        // counts
        private long examplesSeen;
        private long samples;
        private long skippedExamples;
        private long skippedPairs;

        TaskIterator(
                TaskGenerator gen, TaskType task, Split split, long fromExample, long toExample) {
            this.task = task;
            this.toExample = toExample;
            this.split = split;
            this.config = gen.config;
            this.templates = gen.templates.get(task);
            this.copies = config.promptSampleNum(task);
            this.hasUserText = task.needsUserText();
            this.separator = config.separator();
            this.jsonSeparator =
                    JsonStrings.appendEscaped(new StringBuilder(), separator).toString();
            this.separatorBytes = Utf8Buffer.jsonBytes(separator);
            this.numbered = config.numbered();
            this.tokens = gen.tokens();
            this.tokenBytes = gen.tokenBytes();
            if (task.needsItemText()) {
                String[][] t = gen.texts();
                this.titles = t[0];
                this.descriptions = t[1];
                byte[][][] b = gen.textBytes();
                this.titleBytes = b[0];
                this.descriptionBytes = b[1];
            } else {
                this.titles = null;
                this.descriptions = null;
                this.titleBytes = null;
                this.descriptionBytes = null;
            }
            int m = 0;
            for (InstructionTemplate t : templates) {
                m |= t.needsMask();
            }
            this.usedMask = m;
            this.eligibleByMask = new int[1 << Placeholder.values().length][];
            if (split == Split.TRAIN) {
                evalIds = null;
            } else {
                List<Integer> ids = config.evalTemplates(task);
                if (ids.isEmpty()) {
                    evalIds = new int[templates.size()];
                    for (int i = 0; i < evalIds.length; i++) {
                        evalIds[i] = i;
                    }
                } else {
                    evalIds = new int[ids.size()];
                    for (int i = 0; i < evalIds.length; i++) {
                        int id = ids.get(i);
                        if (id >= templates.size()) {
                            throw new IllegalArgumentException(
                                    "evalTemplates for "
                                            + task.id()
                                            + ": template id "
                                            + id
                                            + " does not exist (the set has "
                                            + templates.size()
                                            + " templates)");
                        }
                        evalIds[i] = id;
                    }
                }
            }
            this.examples = Examples.of(gen, task, split);
            this.total = examples.total();
            int n = split == Split.TRAIN ? config.sampleNum(task) : 0;
            this.keep = n <= 0 || n >= total ? total : n;
            this.subsample =
                    new SplittableRandom(hash(config.seed(), task.ordinal(), -1, SALT_SUBSAMPLE));
            if (fromExample > 0) {
                skip(Math.min(fromExample, total));
            }
        }

        /**
         * Moves past the first {@code n} examples as {@link #advance()} would, without building or
         * counting them: the subsample's draws are replayed, so the examples after them are
         * selected exactly as in a whole pass.
         */
        private void skip(long n) {
            examples.skip(n);
            for (long t = 0; t < n && selected < keep; t++) {
                if (keep == total || subsample.nextLong(total - t) < keep - selected) {
                    selected++;
                }
            }
            visited = n;
            exampleIndex = n - 1;
        }

        GenerationReport.TaskCount count() {
            return new GenerationReport.TaskCount(
                    task, examplesSeen, samples, skippedExamples, skippedPairs);
        }

        /** Moves to the next sample (chosen, not yet built); false at the end. */
        boolean step() {
            while (true) {
                if (eligible != null && choose()) {
                    samples++;
                    return true;
                }
                if (!advance()) {
                    return false;
                }
            }
        }

        /** Moves to the next selected example; false at the end. */
        private boolean advance() {
            while (true) {
                if (selected >= keep || visited >= toExample || !examples.next()) {
                    eligible = null;
                    return false;
                }
                long t = visited++;
                exampleIndex++;
                if (keep < total) {
                    // select with probability (needed left) / (examples left)
                    long left = total - t;
                    if (subsample.nextLong(left) >= keep - selected) {
                        continue;
                    }
                }
                selected++;
                examplesSeen++;
                int avail = examples.available(usedMask);
                eligible = eligibleFor(avail);
                slot = 0;
                hashBase = hash(config.seed(), task.ordinal(), exampleIndex, 0);
                if (split == Split.TRAIN) {
                    skippedPairs += templates.size() - eligible.length;
                    if (eligible.length == 0) {
                        skippedExamples++;
                        eligible = null;
                        continue;
                    }
                } else {
                    boolean any = false;
                    for (int id : evalIds) {
                        if ((templates.get(id).needsMask() & ~avail) == 0) {
                            any = true;
                        } else {
                            skippedPairs++;
                        }
                    }
                    if (!any) {
                        skippedExamples++;
                        eligible = null;
                        continue;
                    }
                }
                return true;
            }
        }

        private int[] eligibleFor(int avail) {
            int key = avail & usedMask;
            int[] e = eligibleByMask[key];
            if (e == null) {
                int[] tmp = new int[templates.size()];
                int k = 0;
                for (InstructionTemplate t : templates) {
                    if ((t.needsMask() & ~key) == 0) {
                        tmp[k++] = t.id();
                    }
                }
                e = java.util.Arrays.copyOf(tmp, k);
                eligibleByMask[key] = e;
            }
            return e;
        }

        /** Chooses the next template of the current example; false (and done) when none is left. */
        private boolean choose() {
            int id;
            long h;
            if (split == Split.TRAIN) {
                if (slot >= copies) {
                    eligible = null;
                    return false;
                }
                h = mix(hashBase + GOLDEN * slot);
                slot++;
                id = eligible[below(h, eligible.length)];
            } else {
                id = -1;
                h = 0;
                while (slot < evalIds.length) {
                    int e = evalIds[slot++];
                    if (contains(eligible, e)) {
                        id = e;
                        h = mix(hashBase + GOLDEN * (1000L + e));
                        break;
                    }
                }
                if (id < 0) {
                    eligible = null;
                    return false;
                }
            }
            templateId = id;
            template = templates.get(id);
            if (hasUserText) {
                prefChoice =
                        below(mix(h ^ SALT_PREFERENCE), Math.max(1, examples.preferenceCount()));
                queryChoice = below(mix(h ^ SALT_QUERY), Math.max(1, examples.queryCount()));
            }
            return true;
        }

        /** Builds the chosen sample. */
        Sample sample() {
            sb.setLength(0);
            fill(template.instructionPart, sb, false);
            String instruction = sb.toString();
            sb.setLength(0);
            fill(template.responsePart, sb, false);
            String response = sb.toString();
            return new Sample(task, templateId, instruction, response, targetItem(), user());
        }

        @Override
        public TaskType task() {
            return task;
        }

        @Override
        public int templateId() {
            return templateId;
        }

        @Override
        public int targetItem() {
            return task == TaskType.PREFERENCEOBTAIN ? -1 : examples.target();
        }

        @Override
        public String user() {
            return examples.user();
        }

        @Override
        public void appendInstruction(StringBuilder out) {
            fill(template.instructionPart, out, true);
        }

        @Override
        public void appendResponse(StringBuilder out) {
            fill(template.responsePart, out, true);
        }

        @Override
        public void appendInstruction(Utf8Buffer out) {
            fill(template.instructionPart, out);
        }

        @Override
        public void appendResponse(Utf8Buffer out) {
            fill(template.responsePart, out);
        }

        /**
         * {@link #fill(InstructionTemplate.Part, StringBuilder, boolean)} for JSON into UTF-8
         * bytes.
         */
        private void fill(InstructionTemplate.Part part, Utf8Buffer out) {
            byte[][] lit = part.jsonBytes;
            Placeholder[] slots = part.slots;
            for (int i = 0; i < slots.length; i++) {
                out.append(lit[i]);
                switch (slots[i]) {
                    case INTERS -> appendHistory(out, false);
                    case INTER_TITLES -> appendHistory(out, true);
                    case ITEM -> out.append(tokenBytes[examples.targetPosition()]);
                    case TITLE -> out.append(titleBytes[examples.targetPosition()]);
                    case DESCRIPTION -> out.append(descriptionBytes[examples.targetPosition()]);
                    case EXPLICIT_PREFERENCE ->
                            out.appendJsonEscaped(examples.preference(prefChoice));
                    case USER_RELATED_INTENTION -> out.appendJsonEscaped(examples.query(0));
                    case ITEM_RELATED_INTENTION -> out.appendJsonEscaped(examples.query(1));
                    case QUERY -> out.appendJsonEscaped(examples.query(queryChoice));
                }
            }
            out.append(lit[slots.length]);
        }

        private void appendHistory(Utf8Buffer out, boolean asTitles) {
            int[] hist = examples.historyPositions();
            int n = examples.historyLength();
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    out.append(separatorBytes);
                }
                if (numbered) {
                    out.appendInt(j + 1).append((byte) '.').append((byte) ' ');
                }
                if (asTitles) {
                    out.append((byte) '\\').append((byte) '"');
                    out.append(titleBytes[hist[j]]);
                    out.append((byte) '\\').append((byte) '"');
                } else {
                    out.append(tokenBytes[hist[j]]);
                }
            }
        }

        private static boolean contains(int[] a, int v) {
            for (int x : a) {
                if (x == v) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Appends a filled text; with {@code json}, as the content of a JSON string (template
         * literals and the separator pre-escaped, texts escaped; index tokens and numbers never
         * need escaping).
         */
        private void fill(InstructionTemplate.Part part, StringBuilder out, boolean json) {
            String[] lit = json ? part.jsonLiterals : part.literals;
            Placeholder[] slots = part.slots;
            for (int i = 0; i < slots.length; i++) {
                out.append(lit[i]);
                switch (slots[i]) {
                    case INTERS -> appendHistory(out, false, json);
                    case INTER_TITLES -> appendHistory(out, true, json);
                    case ITEM -> out.append(tokens[examples.targetPosition()]);
                    case TITLE -> text(out, titles[examples.targetPosition()], json);
                    case DESCRIPTION -> text(out, descriptions[examples.targetPosition()], json);
                    case EXPLICIT_PREFERENCE -> text(out, examples.preference(prefChoice), json);
                    case USER_RELATED_INTENTION -> text(out, examples.query(0), json);
                    case ITEM_RELATED_INTENTION -> text(out, examples.query(1), json);
                    case QUERY -> text(out, examples.query(queryChoice), json);
                }
            }
            out.append(lit[slots.length]);
        }

        private static void text(StringBuilder out, String value, boolean json) {
            if (json) {
                JsonStrings.appendEscaped(out, value);
            } else {
                out.append(value);
            }
        }

        private void appendHistory(StringBuilder out, boolean asTitles, boolean json) {
            int[] hist = examples.historyPositions();
            int n = examples.historyLength();
            String sep = json ? jsonSeparator : separator;
            String quote = json ? "\\\"" : "\"";
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    out.append(sep);
                }
                if (numbered) {
                    out.append(j + 1).append(". ");
                }
                if (asTitles) {
                    out.append(quote);
                    text(out, titles[hist[j]], json);
                    out.append(quote);
                } else {
                    out.append(tokens[hist[j]]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ example sources

    /**
     * The base examples of a task: a cursor exposing the current example's target, history (as
     * catalogue positions), user and user texts, and which placeholders it can fill.
     */
    private abstract static class Examples {
        final ItemCatalog catalog;
        final String[] tokens;
        final String[] titles;
        final String[] descriptions;
        int[] history = new int[16];
        int historyLength;
        int target = -1;
        int targetPos = -1;
        String user;
        List<String> preferences = List.of();
        List<String> queries = List.of();

        Examples(TaskGenerator gen, TaskType task) {
            this.catalog = gen.catalog;
            this.tokens = gen.tokens();
            if (task.needsItemText()) {
                String[][] t = gen.texts();
                titles = t[0];
                descriptions = t[1];
            } else {
                titles = null;
                descriptions = null;
            }
        }

        static Examples of(TaskGenerator gen, TaskType task, Split split) {
            return switch (task) {
                case SEQREC, FUSIONSEQREC -> new Positions(gen, task, split);
                case ITEM2INDEX, INDEX2ITEM -> new Items(gen, task);
                case ITEMSEARCH -> new Searches(gen, task, split);
                case PREFERENCEOBTAIN -> new PreferenceUsers(gen, task);
            };
        }

        abstract long total();

        /** Moves to the next example; false at the end. */
        abstract boolean next();

        /**
         * Moves past the first {@code n} examples (from the start), so that {@link #next()} loads
         * example {@code n}; {@code n} is at most {@link #total()}.
         */
        void skip(long n) {
            for (long i = 0; i < n; i++) {
                next();
            }
        }

        int target() {
            return target;
        }

        int targetPosition() {
            return targetPos;
        }

        int[] historyPositions() {
            return history;
        }

        int historyLength() {
            return historyLength;
        }

        String user() {
            return user;
        }

        int preferenceCount() {
            return preferences.size();
        }

        int queryCount() {
            return queries.size();
        }

        String preference(int i) {
            return preferences.get(i);
        }

        String query(int i) {
            return queries.get(i);
        }

        void setHistoryLength(int n) {
            if (history.length < n) {
                history = new int[Math.max(n, history.length * 2)];
            }
            historyLength = n;
        }

        /** Appends a history item by id; false if it has no index entry. */
        boolean setHistoryItem(int j, int itemId) {
            int p = catalog.position(itemId);
            history[j] = p;
            return p >= 0 && tokens[p] != null;
        }

        /** Bit set of the placeholders (among {@code used}) this example can fill. */
        int available(int used) {
            int m = 0;
            boolean targetOk = targetPos >= 0 && tokens[targetPos] != null;
            if (targetOk) {
                m |= bit(Placeholder.ITEM);
                if (titles != null && !titles[targetPos].isEmpty()) {
                    m |= bit(Placeholder.TITLE);
                }
                if (descriptions != null && !descriptions[targetPos].isEmpty()) {
                    m |= bit(Placeholder.DESCRIPTION);
                }
            }
            if (historyLength > 0) {
                m |= bit(Placeholder.INTERS);
                if ((used & bit(Placeholder.INTER_TITLES)) != 0 && titles != null) {
                    boolean all = true;
                    for (int j = 0; j < historyLength && all; j++) {
                        all = !titles[history[j]].isEmpty();
                    }
                    if (all) {
                        m |= bit(Placeholder.INTER_TITLES);
                    }
                }
            }
            if (!preferences.isEmpty()) {
                m |= bit(Placeholder.EXPLICIT_PREFERENCE);
            }
            if (!queries.isEmpty()) {
                m |= bit(Placeholder.QUERY) | bit(Placeholder.USER_RELATED_INTENTION);
                if (queries.size() >= 2) {
                    m |= bit(Placeholder.ITEM_RELATED_INTENTION);
                }
            }
            return m;
        }

        static int bit(Placeholder p) {
            return 1 << p.ordinal();
        }

        /** Non-blank texts, stripped. */
        static List<String> nonBlank(List<String> texts) {
            List<String> out = new ArrayList<>(texts.size());
            for (String s : texts) {
                if (s != null && !s.isBlank()) {
                    out.add(s.strip());
                }
            }
            return out;
        }
    }

    /** Leave-one-out positions (seqrec, fusionseqrec). */
    private static final class Positions extends Examples {
        private final Interactions inter;
        private final Split split;
        private final int maxHistory;
        private final long total;
        private int row;
        private int pos = -1;

        Positions(TaskGenerator gen, TaskType task, Split split) {
            super(gen, task);
            this.inter = gen.data.interactions();
            this.split = split;
            this.maxHistory = gen.config.maxHistory();
            this.total = gen.config.split().count(inter, split);
        }

        @Override
        long total() {
            return total;
        }

        /** Jumps by the users' example counts without loading any history. */
        @Override
        void skip(long n) {
            long left = n;
            while (left > 0 && row < inter.userCount()) {
                int len = inter.length(row);
                long here =
                        switch (split) {
                            case TRAIN -> Math.max(0, len - 3);
                            case VALID -> len >= 3 ? 1 : 0;
                            case TEST -> len >= 2 ? 1 : 0;
                        };
                if (left < here) {
                    pos = (int) left; // TRAIN only (a user has one VALID or TEST example)
                    return;
                }
                left -= here;
                row++;
                pos = -1;
            }
        }

        @Override
        boolean next() {
            while (row < inter.userCount()) {
                int len = inter.length(row);
                boolean found = false;
                switch (split) {
                    case TRAIN -> {
                        pos = pos < 0 ? 1 : pos + 1;
                        found = pos <= len - 3;
                    }
                    case VALID -> {
                        if (pos < 0 && len >= 3) {
                            pos = len - 2;
                            found = true;
                        }
                    }
                    case TEST -> {
                        if (pos < 0 && len >= 2) {
                            pos = len - 1;
                            found = true;
                        }
                    }
                }
                if (found) {
                    load(row, pos);
                    if (split != Split.TRAIN) {
                        pos = Integer.MAX_VALUE; // this user is done
                    }
                    return true;
                }
                row++;
                pos = -1;
            }
            return false;
        }

        private void load(int r, int p) {
            int from = maxHistory == 0 ? 0 : Math.max(0, p - maxHistory);
            int n = p - from;
            setHistoryLength(n);
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                ok &= setHistoryItem(i, inter.item(r, from + i));
            }
            if (!ok) {
                // an un-indexed history item cannot happen (Dataset checks), but never emit nulls
                historyLength = 0;
            }
            target = inter.item(r, p);
            targetPos = catalog.position(target);
            user = inter.user(r);
        }
    }

    /** Indexed catalogue items (item2index, index2item). */
    private static final class Items extends Examples {
        private final List<Item> items;
        private final long total;
        private int p = -1;

        Items(TaskGenerator gen, TaskType task) {
            super(gen, task);
            this.items = catalog.items();
            long n = 0;
            for (String t : tokens) {
                if (t != null) {
                    n++;
                }
            }
            this.total = n;
        }

        @Override
        long total() {
            return total;
        }

        /** Jumps over indexed items without loading them. */
        @Override
        void skip(long n) {
            long left = n;
            while (left > 0 && ++p < items.size()) {
                if (tokens[p] != null) {
                    left--;
                }
            }
        }

        @Override
        boolean next() {
            while (++p < items.size()) {
                if (tokens[p] != null) {
                    target = items.get(p).id();
                    targetPos = p;
                    historyLength = 0;
                    return true;
                }
            }
            return false;
        }
    }

    /** Users of an intention block (itemsearch). */
    private static final class Searches extends Examples {
        private final Iterator<Map.Entry<String, UserProfiles.Intention>> it;
        private final Map<String, List<String>> prefs;
        private final int maxHistory;
        private final long total;

        Searches(TaskGenerator gen, TaskType task, Split split) {
            super(gen, task);
            UserProfiles u = gen.data.users();
            Map<String, UserProfiles.Intention> block =
                    split == Split.TEST ? u.testIntentions() : u.trainIntentions();
            this.it = block.entrySet().iterator();
            this.prefs = u.preferences();
            this.maxHistory = gen.config.maxHistory();
            this.total = block.size();
        }

        @Override
        long total() {
            return total;
        }

        @Override
        boolean next() {
            if (!it.hasNext()) {
                return false;
            }
            Map.Entry<String, UserProfiles.Intention> e = it.next();
            user = e.getKey();
            UserProfiles.Intention in = e.getValue();
            int[] h = in.history();
            int from = maxHistory == 0 ? 0 : Math.max(0, h.length - maxHistory);
            setHistoryLength(h.length - from);
            boolean ok = true;
            for (int i = from; i < h.length; i++) {
                ok &= setHistoryItem(i - from, h[i]);
            }
            if (!ok) {
                historyLength = 0;
            }
            target = in.item();
            targetPos = catalog.position(target);
            preferences = Examples.nonBlank(prefs.getOrDefault(user, List.of()));
            queries = Examples.nonBlank(in.queries());
            return true;
        }
    }

    /** Users with preference texts (preferenceobtain). */
    private static final class PreferenceUsers extends Examples {
        private final Iterator<Map.Entry<String, List<String>>> it;
        private final Interactions inter;
        private final int maxHistory;
        private final long total;

        PreferenceUsers(TaskGenerator gen, TaskType task) {
            super(gen, task);
            Map<String, List<String>> prefs = gen.data.users().preferences();
            this.it = prefs.entrySet().iterator();
            this.inter = gen.data.interactions();
            this.maxHistory = gen.config.maxHistory();
            this.total = prefs.size();
        }

        @Override
        long total() {
            return total;
        }

        @Override
        boolean next() {
            if (!it.hasNext()) {
                return false;
            }
            Map.Entry<String, List<String>> e = it.next();
            user = e.getKey();
            preferences = Examples.nonBlank(e.getValue());
            historyLength = 0;
            if (inter.contains(user)) {
                int[] seq = inter.sequence(user);
                int end = Math.max(0, seq.length - 3);
                int from = maxHistory == 0 ? 0 : Math.max(0, end - maxHistory);
                setHistoryLength(end - from);
                boolean ok = true;
                for (int i = from; i < end; i++) {
                    ok &= setHistoryItem(i - from, seq[i]);
                }
                if (!ok) {
                    historyLength = 0;
                }
            }
            target = -1;
            targetPos = -1;
            return true;
        }
    }
}
