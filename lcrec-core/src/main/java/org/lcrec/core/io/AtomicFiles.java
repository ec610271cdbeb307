package org.lcrec.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers never see a partial one: the content goes to a temporary file in the
 * same directory, which is then moved over the target atomically. If writing fails, the target is
 * untouched and the temporary file removed.
 */
public final class AtomicFiles {
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

    /**
     * @param target the file to (re)place
     * @param body writes the content
     * @throws UncheckedIOException naming the target when writing or moving fails
     */
    public static void write(Path target, StreamWriter body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what matters; a stray temp file is harmless
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
