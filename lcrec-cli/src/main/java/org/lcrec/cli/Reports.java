package org.lcrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import org.lcrec.core.io.AtomicFiles;

/**
 * JSON reports written by {@code --report FILE}: pretty-printed, written atomically ({@link
 * Output#report} also prints them on standard output for {@code --report -}).
 */
public final class Reports {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {}

    /**
     * @param file the report file, or {@code null} to write nothing
     * @param report the content (maps, lists, records, numbers, strings)
     */
    public static void write(Path file, Object report) {
        if (file == null) {
            return;
        }
        AtomicFiles.write(file, out -> JSON.writeValue(new NonClosing(out), report));
    }

    /**
     * A file next to a report: its name without {@code .json}, then {@code suffix} ({@code
     * run/index.json} + {@code .loss.png} → {@code run/index.loss.png}).
     *
     * @param report the report file
     * @param suffix what to append to its stem
     * @return the sibling path
     */
    public static Path sibling(Path report, String suffix) {
        String name = report.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return report.resolveSibling(stem + suffix);
    }

    /**
     * @param report a report
     * @return it as JSON text
     */
    public static String toJson(Object report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render report: " + e.getMessage(), e);
        }
    }

    /** Keeps Jackson from closing the atomic writer's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
