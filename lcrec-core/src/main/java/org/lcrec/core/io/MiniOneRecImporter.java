package org.lcrec.core.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetException;
import org.lcrec.core.Interactions;
import org.lcrec.core.ItemCatalog;
import org.lcrec.core.PythonLiterals;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;

/**
 * Imports MiniOneRec's CSV layout ({@code <Name>.item.json}, {@code <Name>.index.json}, {@code
 * <Name>.valid.csv}, {@code <Name>.test.csv}) as a dataset with per-user sequences.
 *
 * <p>MiniOneRec splits samples globally by time, so no file holds whole sequences. Each CSV row is
 * {@code (user, history of at most N items, target)}; a user's rows, valid file first then test, in
 * file order, chain into one sequence: the first row gives {@code history + target}, and every
 * later row must have as history the last {@code min(N, length)} items of the chain so far, then
 * appends its target. A user whose rows do not chain this way is dropped and counted. A chain whose
 * first history already holds N items may miss its beginning (the user's earlier interactions are
 * in MiniOneRec's train file, not shipped); such users are kept and counted as {@link
 * ImportReport#truncatedStart()}.
 */
public final class MiniOneRecImporter {
    private MiniOneRecImporter() {}

    /**
     * What the import found.
     *
     * @param rows CSV rows read (valid + test)
     * @param users distinct users in the rows
     * @param rebuilt users whose rows chained consistently (the dataset's users)
     * @param dropped users dropped because their rows conflict
     * @param truncatedStart rebuilt users whose first row's history hit the cap (their earliest
     *     items may be missing)
     * @param historyCap the longest history seen in any row (MiniOneRec: 10)
     * @param sidMismatches rows whose {@code item_sid} differs from the index file's entry
     */
    public record ImportReport(
            int rows,
            int users,
            int rebuilt,
            int dropped,
            int truncatedStart,
            int historyCap,
            int sidMismatches) {
        @Override
        public String toString() {
            return String.format(
                    "ImportReport(rows=%d, users=%d, rebuilt=%d, dropped=%d, truncatedStart=%d,"
                            + " historyCap=%d, sidMismatches=%d)",
                    rows, users, rebuilt, dropped, truncatedStart, historyCap, sidMismatches);
        }
    }

    /**
     * The dataset and the import report.
     *
     * @param dataset the rebuilt dataset
     * @param report what the import found
     */
    public record Result(Dataset dataset, ImportReport report) {}

    private record Row(
            String user, int[] history, int target, String targetSid, int line, Path file) {}

    /**
     * @param dir the directory
     * @param name the file prefix, e.g. {@code Industrial_and_Scientific}
     * @return the dataset and report
     */
    public static Result read(Path dir, String name) {
        Path itemFile = dir.resolve(name + ".item.json");
        Path indexFile = dir.resolve(name + ".index.json");
        ItemCatalog items = LcRecFiles.readItems(itemFile);
        SemanticIndex index = Files.exists(indexFile) ? LcRecFiles.readIndex(indexFile) : null;
        List<Row> rows = new ArrayList<>();
        int found = 0;
        for (String part : new String[] {"valid", "test"}) {
            Path f = dir.resolve(name + "." + part + ".csv");
            if (Files.exists(f)) {
                found++;
                readRows(f, rows);
            }
        }
        if (found == 0) {
            throw DatasetException.at(
                    dir.resolve(name + ".valid.csv"),
                    null,
                    "expected " + name + ".valid.csv and/or .test.csv, found neither");
        }
        int cap = 0;
        int mismatches = 0;
        for (Row r : rows) {
            cap = Math.max(cap, r.history.length);
            for (int item : r.history) {
                checkItem(items, r, item);
            }
            checkItem(items, r, r.target);
            if (index != null && !r.targetSid.isEmpty()) {
                SemanticId sid;
                try {
                    sid = SemanticId.parse(r.targetSid);
                } catch (IllegalArgumentException e) {
                    throw DatasetException.at(
                            r.file, "line " + r.line + " column item_sid", e.getMessage());
                }
                if (!index.contains(r.target) || !index.get(r.target).equals(sid)) {
                    mismatches++;
                }
            }
        }
        Map<String, List<Row>> byUser = new LinkedHashMap<>();
        for (Row r : rows) {
            byUser.computeIfAbsent(r.user, u -> new ArrayList<>()).add(r);
        }
        Interactions.Builder b = Interactions.builder();
        int dropped = 0;
        int truncated = 0;
        for (Map.Entry<String, List<Row>> e : byUser.entrySet()) {
            int[] chain = chain(e.getValue(), cap);
            if (chain == null) {
                dropped++;
                continue;
            }
            if (e.getValue().get(0).history.length >= cap) {
                truncated++;
            }
            b.add(e.getKey(), chain);
        }
        Interactions interactions = b.build();
        ImportReport report =
                new ImportReport(
                        rows.size(),
                        byUser.size(),
                        interactions.userCount(),
                        dropped,
                        truncated,
                        cap,
                        mismatches);
        return new Result(new Dataset(name, items, interactions, index, null, dir), report);
    }

    private static void checkItem(ItemCatalog items, Row r, int item) {
        if (!items.contains(item)) {
            throw DatasetException.at(
                    r.file, "line " + r.line, "item " + item + " is not in the item catalog");
        }
    }

    /** Chains a user's rows; null if they conflict. */
    static int[] chain(List<Row> rows, int cap) {
        int[] seq = new int[64];
        int n = 0;
        for (Row r : rows) {
            int h = r.history.length;
            if (n == 0) {
                seq = ensure(seq, h + 1);
                System.arraycopy(r.history, 0, seq, 0, h);
                n = h;
            } else if (h != Math.min(cap, n) || !Arrays.equals(r.history, 0, h, seq, n - h, n)) {
                return null;
            }
            seq = ensure(seq, n + 1);
            seq[n++] = r.target;
        }
        return Arrays.copyOf(seq, n);
    }

    private static int[] ensure(int[] a, int n) {
        return a.length >= n ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
    }

    private static void readRows(Path file, List<Row> out) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvReader csv = new CsvReader(r);
            List<String> header = csv.next();
            if (header == null) {
                throw DatasetException.at(
                        file, null, "expected a header line, found an empty file");
            }
            int user = column(file, header, "user_id");
            int hist = column(file, header, "history_item_id");
            int item = column(file, header, "item_id");
            int sid = header.indexOf("item_sid");
            List<String> f;
            while ((f = csv.next()) != null) {
                int line = csv.recordLine();
                if (f.size() != header.size()) {
                    throw DatasetException.at(
                            file,
                            "line " + line,
                            "expected " + header.size() + " columns, found " + f.size());
                }
                int[] history;
                try {
                    history = PythonLiterals.parseIntList(f.get(hist));
                } catch (IllegalArgumentException e) {
                    throw DatasetException.at(
                            file, "line " + line + " column history_item_id", e.getMessage());
                }
                int target;
                try {
                    target = Integer.parseInt(f.get(item).strip());
                } catch (NumberFormatException e) {
                    throw DatasetException.at(
                            file,
                            "line " + line + " column item_id",
                            "expected an integer item id, found \"" + f.get(item) + "\"");
                }
                if (f.get(user).isBlank()) {
                    throw DatasetException.at(
                            file,
                            "line " + line + " column user_id",
                            "expected a user id, found \"\"");
                }
                out.add(
                        new Row(
                                f.get(user),
                                history,
                                target,
                                sid >= 0 ? f.get(sid).strip() : "",
                                line,
                                file));
            }
        } catch (NoSuchFileException e) {
            throw DatasetException.at(file, null, "file not found");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw DatasetException.at(
                    file, null, "expected UTF-8 text, found bytes that are not (" + e + ")");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("line ")) {
                throw DatasetException.at(file, null, "malformed CSV: " + e.getMessage());
            }
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int column(Path file, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw DatasetException.at(
                    file, "header", "expected a column \"" + name + "\", found " + header);
        }
        return i;
    }
}
