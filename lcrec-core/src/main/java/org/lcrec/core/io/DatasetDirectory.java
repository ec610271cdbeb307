package org.lcrec.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetException;
import org.lcrec.core.Interactions;
import org.lcrec.core.Item;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.UserProfiles;

/**
 * Finds, reads and writes the dataset in a directory.
 *
 * <p>The dataset name is the common prefix of the files: {@code Instruments} for {@code
 * Instruments.inter.json}. A directory with {@code <Name>.inter.json} is in LC-Rec's layout; one
 * with {@code <Name>.item.json} and {@code <Name>.valid.csv}/{@code .test.csv} but no inter.json is
 * in MiniOneRec's layout ({@link MiniOneRecImporter}).
 */
public final class DatasetDirectory {
    private DatasetDirectory() {}

    /** The two directory layouts the SDK reads. */
    public enum Layout {
        /** {@code <Name>.inter.json} (+ item, index, user JSON files). */
        LCREC,
        /** {@code <Name>.item.json} + {@code .valid.csv}/{@code .test.csv}. */
        MINIONEREC
    }

    /**
     * What a directory holds.
     *
     * @param dir the directory
     * @param layout its layout
     * @param name the dataset name (file prefix)
     */
    public record Detected(Path dir, Layout layout, String name) {}

    /**
     * @param dir a directory
     * @return its layout and dataset name
     * @throws DatasetException naming the directory and what it holds, if no dataset is there or
     *     several are
     */
    public static Detected detect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(
                    dir
                            + ": expected a dataset directory, found "
                            + (Files.exists(dir) ? "a file" : "nothing (no such directory)"));
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        TreeSet<String> inter = prefixes(files, ".inter.json");
        if (inter.size() > 1) {
            throw new DatasetException(
                    dir + ": expected one dataset, found several: " + inter + " (pass one name)");
        }
        if (inter.size() == 1) {
            return new Detected(dir, Layout.LCREC, inter.first());
        }
        TreeSet<String> items = prefixes(files, ".item.json");
        TreeSet<String> csv = prefixes(files, ".valid.csv");
        csv.addAll(prefixes(files, ".test.csv"));
        items.retainAll(csv);
        if (items.size() == 1) {
            return new Detected(dir, Layout.MINIONEREC, items.first());
        }
        if (items.size() > 1) {
            throw new DatasetException(dir + ": expected one dataset, found several: " + items);
        }
        files.sort(null);
        throw new DatasetException(
                dir
                        + ": no dataset found: expected <Name>.inter.json (LC-Rec layout) or"
                        + " <Name>.item.json with <Name>.valid.csv/.test.csv (MiniOneRec layout),"
                        + " found "
                        + (files.isEmpty() ? "an empty directory" : files.toString()));
    }

    /**
     * Reads the dataset of a directory in either layout.
     *
     * @param dir the directory
     * @return the dataset
     */
    public static Dataset read(Path dir) {
        Detected d = detect(dir);
        if (d.layout() == Layout.MINIONEREC) {
            return MiniOneRecImporter.read(dir, d.name()).dataset();
        }
        String name = d.name();
        Interactions inter = LcRecFiles.readInteractions(dir.resolve(name + ".inter.json"));
        Path indexFile = dir.resolve(name + ".index.json");
        SemanticIndex index = Files.exists(indexFile) ? LcRecFiles.readIndex(indexFile) : null;
        Path itemFile = dir.resolve(name + ".item.json");
        ItemCatalog items;
        if (Files.exists(itemFile)) {
            items = LcRecFiles.readItems(itemFile);
        } else {
            // no texts (as for Instruments here): the catalogue is every item the files name
            TreeSet<Integer> ids = new TreeSet<>();
            for (int i : inter.distinctItems()) {
                ids.add(i);
            }
            if (index != null) {
                for (int i : index.itemIds()) {
                    ids.add(i);
                }
            }
            List<Item> list = new ArrayList<>(ids.size());
            ids.forEach(i -> list.add(Item.ofId(i)));
            items = ItemCatalog.of(list);
        }
        Path userFile = dir.resolve(name + ".user.json");
        UserProfiles users = Files.exists(userFile) ? LcRecFiles.readUsers(userFile) : null;
        if (index != null) {
            for (int id : index.itemIds()) {
                if (!items.contains(id)) {
                    throw DatasetException.at(
                            indexFile, "item " + id, "not in " + name + ".item.json");
                }
            }
        }
        return new Dataset(name, items, inter, index, users, dir);
    }

    /**
     * Writes a dataset in LC-Rec's layout.
     *
     * @param dataset the dataset
     * @param dir the target directory
     */
    public static void write(Dataset dataset, Path dir) {
        String name = dataset.name();
        LcRecFiles.writeInteractions(dir.resolve(name + ".inter.json"), dataset.interactions());
        if (dataset.items().itemsWithText() > 0) {
            LcRecFiles.writeItems(dir.resolve(name + ".item.json"), dataset.items());
        }
        dataset.indexIfPresent()
                .ifPresent(ix -> LcRecFiles.writeIndex(dir.resolve(name + ".index.json"), ix));
        if (!dataset.users().isEmpty()) {
            LcRecFiles.writeUsers(dir.resolve(name + ".user.json"), dataset.users());
        }
    }

    private static TreeSet<String> prefixes(List<String> files, String suffix) {
        TreeSet<String> out = new TreeSet<>();
        for (String f : files) {
            if (f.endsWith(suffix) && f.length() > suffix.length()) {
                out.add(f.substring(0, f.length() - suffix.length()));
            }
        }
        return out;
    }
}
