package org.lcrec.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes files so that readers never see a partial one: the content goes to a temporary file in the
 * same directory, which is then moved over the target atomically. If writing fails, the target is
 * untouched and the temporary file removed.
 */
public final class AtomicFiles {
    private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());

    private AtomicFiles() {}

    /** Writes bytes to a stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * @param out the stream (buffered; closed by the caller)
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /** Writes text to a writer; may throw {@link IOException}. */
    @FunctionalInterface
    public interface TextWriter {
        /**
         * @param out the writer (UTF-8, buffered; closed by the caller)
         * @throws IOException on failure
         */
        void write(Writer out) throws IOException;
    }

    /** Writes bytes to a file channel (for large binary files); may throw {@link IOException}. */
    @FunctionalInterface
    public interface ChannelWriter {
        /**
         * @param channel the channel, positioned at 0 (forced to disk and closed by the caller)
         * @throws IOException on failure
         */
        void write(FileChannel channel) throws IOException;
    }

    /** Permissions of written files where the file system is POSIX: {@code rw-r--r--}. */
    private static final Set<PosixFilePermission> FILE_PERMISSIONS =
            PosixFilePermissions.fromString("rw-r--r--");

    /**
     * @param target the file to (re)place
     * @param body writes the content
     * @throws UncheckedIOException naming the target when writing or moving fails
     */
    public static void write(Path target, StreamWriter body) {
        replace(
                target,
                tmp -> {
                    try (OutputStream out =
                            new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                        body.write(out);
                    }
                });
    }

    /**
     * Writes through a file channel and forces the data to disk before the move, for large binary
     * files (model weights, checkpoints).
     *
     * @param target the file to (re)place
     * @param body writes the content
     * @throws UncheckedIOException naming the target when writing or moving fails
     */
    public static void writeChannel(Path target, ChannelWriter body) {
        replace(
                target,
                tmp -> {
                    try (FileChannel ch =
                            FileChannel.open(
                                    tmp,
                                    StandardOpenOption.WRITE,
                                    StandardOpenOption.TRUNCATE_EXISTING)) {
                        body.write(ch);
                        ch.force(true);
                    }
                });
    }

    /**
     * Copies a file atomically.
     *
     * @param source the file to copy
     * @param target the file to (re)place
     */
    public static void copy(Path source, Path target) {
        replace(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    /**
     * Moves a file or a directory to {@code target} (which must not exist), atomically where the
     * file system can: the publishing step of anything written into a temporary directory first.
     *
     * @param source what to move
     * @param target where it goes
     * @throws IOException when the move fails
     */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: the file system cannot move atomically ({1}); moving {2} non-atomically",
                    target,
                    e.getMessage(),
                    source);
            Files.move(source, target);
        }
    }

    /**
     * Deletes a file or a directory with everything below it; nothing when it does not exist.
     *
     * @param path what to delete
     * @throws IOException when a deletion fails
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /** Fills a staging directory with the complete new content of a directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        /**
         * @param staging an empty directory beside the target
         * @throws IOException on failure
         */
        void write(Path staging) throws IOException;
    }

    /**
     * Replaces a whole directory: {@code body} fills a staging directory beside it ({@code
     * .<name>.tmp}), the old directory is moved aside ({@code .<name>.old}), the staging directory
     * moved into place and the old one deleted. A reader sees the old directory or the new one; a
     * kill leaves either in place or the old one aside, and the next replace (or {@link
     * #recoverDirectory}) puts it back. The side directories have fixed names for that reason.
     *
     * @param target the directory to (re)place
     * @param body writes the new content
     * @throws UncheckedIOException naming the target when a step fails (the old directory stays)
     */
    public static void replaceDirectory(Path target, DirectoryWriter body) {
        Path abs = target.toAbsolutePath().normalize();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        Path old = abs.resolveSibling("." + abs.getFileName() + ".old");
        try {
            recoverDirectory(abs);
            deleteTree(staging);
            Files.createDirectories(staging);
            body.write(staging);
            if (Files.exists(abs)) {
                move(abs, old);
            }
            move(staging, abs);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "{0}: cannot delete the staging directory: {1}",
                        staging,
                        e.getMessage());
            }
        }
    }

    /**
     * Undoes what a {@link #replaceDirectory} killed between its two moves left: with no directory
     * in place and the old one aside, the old one goes back; with both, the aside copy is stale and
     * goes.
     *
     * @param target the directory
     * @throws IOException when a move or deletion fails
     */
    public static void recoverDirectory(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path old = abs.resolveSibling("." + abs.getFileName() + ".old");
        if (Files.exists(old)) {
            if (Files.exists(abs)) {
                deleteTree(old);
            } else {
                move(old, abs);
            }
        }
    }

    @FunctionalInterface
    private interface Filler {
        void fill(Path tmp) throws IOException;
    }

    /**
     * Deletes the temporary files a killed write of the same target left ({@code .<name>*.tmp}
     * beside it), so that no kill leaves debris the next run does not remove. Two processes writing
     * the same file at once were never safe; this does not make them less so.
     */
    static void removeLeftovers(Path dir, String name) throws IOException {
        String prefix = "." + name;
        try (var s = Files.newDirectoryStream(dir, p -> isLeftover(p, prefix))) {
            for (Path p : s) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "{0}: removing the temporary file of an interrupted write",
                        p);
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean isLeftover(Path p, String prefix) {
        String n = p.getFileName().toString();
        if (!n.startsWith(prefix) || !n.endsWith(".tmp") || !Files.isRegularFile(p)) {
            return false;
        }
        // Files.createTempFile puts only digits between the prefix and the suffix
        String middle = n.substring(prefix.length(), n.length() - ".tmp".length());
        return !middle.isEmpty() && middle.chars().allMatch(Character::isDigit);
    }

    private static void replace(Path target, Filler body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            removeLeftovers(dir, abs.getFileName().toString());
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            body.fill(tmp);
            // temporary files are created owner-only (0600); published files are world-readable
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, FILE_PERMISSIONS);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: the file system cannot move atomically ({1}); replacing it"
                                + " non-atomically",
                        abs,
                        e.getMessage());
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the original failure is what matters; a stray temp file is harmless
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            "{0}: cannot delete the temporary file: {1}",
                            tmp,
                            e.getMessage());
                }
            }
        }
    }

    /**
     * @param target the file to (re)place
     * @param body writes the text (UTF-8)
     */
    public static void writeText(Path target, TextWriter body) {
        write(
                target,
                out -> {
                    Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                    body.write(w);
                    w.flush();
                });
    }

    /**
     * @param target the file to (re)place
     * @param text its whole content (UTF-8)
     */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
