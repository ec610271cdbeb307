package org.lcrec.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import org.lcrec.core.MalformedFileException;

/**
 * Guards for names and values read from files: a name a file gives for another file (an ONNX
 * external-data location, a safetensors shard, a directory built from a config value) must stay
 * inside its directory, and a value echoed in a message is cut to a bounded length, so that a
 * hostile file can neither reach other files nor make a message of megabytes.
 */
public final class FileChecks {
    /**
     * The most characters of a value a message echoes: enough to recognise it, bounded whatever the
     * file holds.
     */
    public static final int MAX_ECHO = 200;

    /** The most entries of a list a message names. */
    public static final int MAX_LISTED = 10;

    private FileChecks() {}

    /**
     * Resolves a name read from a file against a directory and checks that the result stays inside
     * it, after normalising {@code .} and {@code ..} and following symbolic links ({@link
     * Path#toRealPath}) of the part that exists.
     *
     * @param dir the directory the name must stay in
     * @param name the name, relative to {@code dir}
     * @param kind what the name denotes, for the message ({@code "file"}, {@code "directory"})
     * @param where where the name was read, for the message (file and field)
     * @return {@code dir} resolved with {@code name}, normalised
     * @throws MalformedFileException naming {@code where}, the directory and the name if the name
     *     is absolute, leaves the directory or resolves through a link to outside it
     */
    public static Path resolveInside(Path dir, String name, String kind, String where) {
        Path base = dir.toAbsolutePath().normalize();
        Path p;
        try {
            p = base.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw outside(dir, name, kind, where, "not a path: " + e.getReason());
        }
        if (name.isEmpty() || !p.startsWith(base) || p.equals(base)) {
            throw outside(dir, name, kind, where, null);
        }
        // the deepest part that exists decides where links lead; what does not exist yet is
        // created below it and cannot leave it (the remaining names contain no "..")
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.startsWith(base)) {
            return p;
        }
        try {
            Path realBase = base.toRealPath();
            Path real = existing.toRealPath();
            if (!real.startsWith(realBase)) {
                throw outside(dir, name, kind, where, "resolves to " + abbreviate(real));
            }
        } catch (IOException e) {
            throw outside(dir, name, kind, where, "cannot resolve: " + abbreviate(e.getMessage()));
        }
        return p;
    }

    private static MalformedFileException outside(
            Path dir, String name, String kind, String where, String detail) {
        return new MalformedFileException(
                where
                        + ": expected a "
                        + kind
                        + " inside "
                        + dir
                        + ", found '"
                        + abbreviate(name)
                        + "'"
                        + (detail == null ? "" : " (" + detail + ")"));
    }

    /**
     * An error reading a text or JSON file as one short line: a JSON syntax error as {@code "line
     * L, column C: what"} (Jackson's own message spans lines and quotes the source), bytes that are
     * not UTF-8 as such, anything else by its message.
     *
     * @param e the error
     * @return one line, at most about {@link #MAX_ECHO} characters
     */
    public static String describe(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation l = j.getLocation();
            String at =
                    l == null || l.getLineNr() < 0
                            ? ""
                            : "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": ";
            return at + abbreviate(oneLine(j.getOriginalMessage()));
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return abbreviate(oneLine(e.getMessage()));
    }

    /**
     * @param s a message (may be null)
     * @return it on one line: every line break, with the blanks around it, becomes one space
     */
    public static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * @param value a value read from a file (may be null)
     * @return its string form, cut to {@link #MAX_ECHO} characters with the total length noted
     */
    public static String abbreviate(Object value) {
        String s = String.valueOf(value);
        if (s.length() <= MAX_ECHO) {
            return s;
        }
        return s.substring(0, MAX_ECHO) + "... (" + s.length() + " characters)";
    }

    /**
     * @param items entries to name in a message
     * @return the first {@link #MAX_LISTED} entries, each {@linkplain #abbreviate abbreviated},
     *     then how many more there are: {@code [a, b, ... and 5 more]}
     */
    public static String listed(Collection<?> items) {
        StringBuilder sb = new StringBuilder("[");
        Iterator<?> it = items.iterator();
        for (int i = 0; it.hasNext() && i < MAX_LISTED; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(abbreviate(it.next()));
        }
        if (items.size() > MAX_LISTED) {
            sb.append(", ... and ").append(items.size() - MAX_LISTED).append(" more");
        }
        return sb.append(']').toString();
    }
}
