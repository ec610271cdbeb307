package org.lcrec.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.lcrec.core.io.DatasetDirectory;

/**
 * A recommendation dataset: items, users' sequences, optionally a semantic index and per-user
 * texts. Immutable and consistent: every interacted item is in the catalogue (and in the index,
 * when there is one).
 *
 * <p>Entry points: {@link #load(Path)} for a directory (LC-Rec or MiniOneRec layout), {@link
 * #synthetic()} for the embedded demo dataset.
 */
public final class Dataset {
    private final String name;
    private final ItemCatalog items;
    private final Interactions interactions;
    private final SemanticIndex index;
    private final UserProfiles users;
    private final Path source;

    /**
     * @param name the dataset name (file prefix, e.g. {@code Instruments})
     * @param items the catalogue
     * @param interactions the sequences
     * @param index the semantic index, or {@code null}
     * @param users per-user texts, or {@code null} for none
     * @param source the directory it came from, or {@code null}
     * @throws DatasetException if an interaction names an item missing from the catalogue or index
     */
    public Dataset(
            String name,
            ItemCatalog items,
            Interactions interactions,
            SemanticIndex index,
            UserProfiles users,
            Path source) {
        this.name = Objects.requireNonNull(name, "name");
        this.items = Objects.requireNonNull(items, "items");
        this.interactions = Objects.requireNonNull(interactions, "interactions");
        this.index = index;
        this.users = users == null ? UserProfiles.empty() : users;
        this.source = source;
        String where = source == null ? name : source.resolve(name + ".inter.json").toString();
        for (int r = 0; r < interactions.userCount(); r++) {
            for (int p = 0; p < interactions.length(r); p++) {
                int item = interactions.item(r, p);
                if (!items.contains(item)) {
                    throw new DatasetException(
                            where
                                    + ": user \""
                                    + interactions.user(r)
                                    + "\": item "
                                    + item
                                    + " is not in the item catalog ("
                                    + items.size()
                                    + " items)");
                }
                if (index != null && !index.contains(item)) {
                    throw new DatasetException(
                            where
                                    + ": user \""
                                    + interactions.user(r)
                                    + "\": item "
                                    + item
                                    + " has no entry in "
                                    + name
                                    + ".index.json");
                }
            }
        }
    }

    /**
     * Loads a dataset directory: LC-Rec's layout ({@code <Name>.inter.json} with optional {@code
     * .item.json}, {@code .index.json}, {@code .user.json}) or MiniOneRec's ({@code
     * <Name>.item.json}, {@code .index.json}, {@code .valid.csv}, {@code .test.csv}).
     *
     * @param dir the directory
     * @return the dataset
     * @throws DatasetException naming the directory and the files found if it holds no dataset
     */
    public static Dataset load(Path dir) {
        return DatasetDirectory.read(dir);
    }

    /**
     * @param dir a directory path
     * @return the dataset there (see {@link #load(Path)})
     */
    public static Dataset load(String dir) {
        return load(Path.of(dir));
    }

    /**
     * @return the embedded synthetic dataset (seed 42), the default of every command
     */
    public static Dataset synthetic() {
        return SyntheticDataset.defaults().generate();
    }

    /**
     * Writes the dataset in LC-Rec's layout ({@code <name>.inter.json}, plus {@code .item.json}
     * when items have texts, {@code .index.json} when indexed, {@code .user.json} when there are
     * user texts); each file atomically.
     *
     * @param dir the target directory (created if needed)
     */
    public void write(Path dir) {
        DatasetDirectory.write(this, dir);
    }

    /**
     * @return the dataset name
     */
    public String name() {
        return name;
    }

    /**
     * @return the item catalogue
     */
    public ItemCatalog items() {
        return items;
    }

    /**
     * @return the users' sequences
     */
    public Interactions interactions() {
        return interactions;
    }

    /**
     * @return whether the dataset has a semantic index
     */
    public boolean hasIndex() {
        return index != null;
    }

    /**
     * @return the semantic index
     * @throws DatasetException if the dataset has none
     */
    public SemanticIndex index() {
        if (index == null) {
            throw new DatasetException(
                    "dataset "
                            + name
                            + " has no semantic index ("
                            + name
                            + ".index.json); build one with `lcrec index`");
        }
        return index;
    }

    /**
     * @return the semantic index, if any
     */
    public Optional<SemanticIndex> indexIfPresent() {
        return Optional.ofNullable(index);
    }

    /**
     * @param newIndex a semantic index covering every interacted item
     * @return a copy of this dataset with that index
     */
    public Dataset withIndex(SemanticIndex newIndex) {
        return new Dataset(name, items, interactions, newIndex, users, source);
    }

    /**
     * @return per-user texts (empty when the dataset has no {@code user.json})
     */
    public UserProfiles users() {
        return users;
    }

    /**
     * @return the directory the dataset was read from, if any
     */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /**
     * @return the dataset's statistics
     */
    public DatasetStats stats() {
        return DatasetStats.of(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d
                && name.equals(d.name)
                && items.equals(d.items)
                && interactions.equals(d.interactions)
                && Objects.equals(index, d.index)
                && users.equals(d.users);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, interactions, index);
    }

    @Override
    public String toString() {
        return "Dataset("
                + name
                + ": users="
                + interactions.userCount()
                + ", items="
                + items.size()
                + ", interactions="
                + interactions.interactionCount()
                + ", index="
                + (index == null ? "none" : index.levels() + " levels")
                + ", userTexts="
                + users.preferences().size()
                + ")";
    }
}
