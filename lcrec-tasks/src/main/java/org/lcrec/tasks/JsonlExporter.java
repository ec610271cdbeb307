package org.lcrec.tasks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import org.lcrec.core.DatasetException;
import org.lcrec.core.io.AtomicFiles;

/**
 * Writes samples as JSON Lines (UTF-8, one object per line, {@code \n} endings) in one of the
 * {@link ExportFormat} shapes.
 *
 * @implNote lines are built in a reused {@link StringBuilder} with {@link JsonStrings} and handed
 *     to the writer in blocks of about 64 KiB. Given a {@link TaskGenerator.SampleIterator}, the
 *     generator fills templates straight into that buffer (pre-escaped literals, escaped texts), so
 *     no per-sample strings are built. An exporter is not thread-safe.
 */
public final class JsonlExporter {
    /** The version written in the {@code lcrec} shape's {@code "version"} field. */
    public static final int LCREC_VERSION = 1;

    private static final int FLUSH_AT = 1 << 16;
    private static final String PROMPT_HEAD =
            JsonStrings.appendEscaped(new StringBuilder(), SftPrompt.HEADER).toString();
    private static final String PROMPT_TAIL =
            JsonStrings.appendEscaped(new StringBuilder(), SftPrompt.RESPONSE_MARKER).toString();

    private final ExportFormat format;
    private final StringBuilder sb = new StringBuilder(FLUSH_AT + 4096);
    private char[] chars = new char[FLUSH_AT + 4096];
    private final SampleAdapter adapter = new SampleAdapter();

    /**
     * @param format the shape
     */
    public JsonlExporter(ExportFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * @return the shape
     */
    public ExportFormat format() {
        return format;
    }

    /**
     * Appends one sample as a JSON line (with its {@code \n}).
     *
     * @param out the target
     * @param s the sample
     * @return {@code out}
     */
    public StringBuilder appendLine(StringBuilder out, Sample s) {
        adapter.sample = s;
        return appendLine(out, adapter);
    }

    StringBuilder appendLine(StringBuilder out, SampleView s) {
        switch (format) {
            case ALPACA -> {
                out.append("{\"instruction\":\"");
                s.appendInstruction(out);
                out.append("\",\"input\":\"\",\"output\":\"");
                s.appendResponse(out);
                out.append("\"}\n");
            }
            case CHAT -> {
                out.append("{\"messages\":[{\"role\":\"user\",\"content\":\"");
                s.appendInstruction(out);
                out.append("\"},{\"role\":\"assistant\",\"content\":\"");
                s.appendResponse(out);
                out.append("\"}]}\n");
            }
            case LCREC -> {
                out.append("{\"version\":")
                        .append(LCREC_VERSION)
                        .append(",\"task\":\"")
                        .append(s.task().id())
                        .append("\",\"template\":")
                        .append(s.templateId())
                        .append(",\"prompt\":\"")
                        .append(PROMPT_HEAD);
                s.appendInstruction(out);
                out.append(PROMPT_TAIL).append("\",\"response\":\"");
                s.appendResponse(out);
                out.append("\",\"target\":").append(s.targetItem()).append(",\"user\":");
                String user = s.user();
                if (user == null) {
                    out.append("null");
                } else {
                    JsonStrings.appendQuoted(out, user);
                }
                out.append("}\n");
            }
        }
        return out;
    }

    /** Presents a {@link Sample} as a {@link SampleView}. */
    private static final class SampleAdapter implements SampleView {
        Sample sample;

        @Override
        public TaskType task() {
            return sample.task();
        }

        @Override
        public int templateId() {
            return sample.templateId();
        }

        @Override
        public int targetItem() {
            return sample.targetItem();
        }

        @Override
        public String user() {
            return sample.user();
        }

        @Override
        public void appendInstruction(StringBuilder out) {
            JsonStrings.appendEscaped(out, sample.instruction());
        }

        @Override
        public void appendResponse(StringBuilder out) {
            JsonStrings.appendEscaped(out, sample.response());
        }

        @Override
        public void appendInstruction(Utf8Buffer out) {
            out.appendJsonEscaped(sample.instruction());
        }

        @Override
        public void appendResponse(Utf8Buffer out) {
            out.appendJsonEscaped(sample.response());
        }
    }

    /**
     * @param s a sample
     * @return its JSON line (with the trailing {@code \n})
     */
    public String line(Sample s) {
        return appendLine(new StringBuilder(256), s).toString();
    }

    /**
     * Writes samples to a writer (not closed; flushed at the end).
     *
     * @param samples the samples
     * @param out the target
     * @return the number of lines written
     * @throws IOException from the writer
     */
    public long write(Iterator<Sample> samples, Writer out) throws IOException {
        long n = generate(samples, () -> drain(out));
        out.flush();
        return n;
    }

    /**
     * Writes samples to a byte stream as UTF-8 (not closed; flushed at the end). Given a {@link
     * TaskGenerator.SampleIterator}, lines are assembled directly as UTF-8 bytes from pieces
     * encoded once (template literals, index tokens, item texts), with no per-sample strings and no
     * char encoding; other iterators go through a {@link Writer}. Both produce the same bytes.
     *
     * @param samples the samples
     * @param out the target
     * @return the number of lines written
     * @throws IOException from the stream
     */
    public long write(Iterator<Sample> samples, OutputStream out) throws IOException {
        if (!(samples instanceof TaskGenerator.SampleIterator it && it.canStep())) {
            return write(samples, new OutputStreamWriter(out, StandardCharsets.UTF_8));
        }
        Utf8Buffer b = new Utf8Buffer(FLUSH_AT + 4096);
        long n = 0;
        for (SampleView v = it.step(); v != null; v = it.step()) {
            appendLine(b, v);
            n++;
            if (b.length() >= FLUSH_AT) {
                b.drainTo(out);
            }
        }
        b.drainTo(out);
        out.flush();
        return n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] A_OPEN = ascii("{\"instruction\":\"");
    private static final byte[] A_MID = ascii("\",\"input\":\"\",\"output\":\"");
    private static final byte[] A_END = ascii("\"}\n");
    private static final byte[] C_OPEN = ascii("{\"messages\":[{\"role\":\"user\",\"content\":\"");
    private static final byte[] C_MID = ascii("\"},{\"role\":\"assistant\",\"content\":\"");
    private static final byte[] C_END = ascii("\"}]}\n");
    private static final byte[] L_OPEN = ascii("{\"version\":" + LCREC_VERSION + ",\"task\":\"");
    private static final byte[] L_TEMPLATE = ascii("\",\"template\":");
    private static final byte[] L_PROMPT =
            concat(ascii(",\"prompt\":\""), Utf8Buffer.jsonBytes(SftPrompt.HEADER));
    private static final byte[] L_RESPONSE =
            concat(Utf8Buffer.jsonBytes(SftPrompt.RESPONSE_MARKER), ascii("\",\"response\":\""));
    private static final byte[] L_TARGET = ascii("\",\"target\":");
    private static final byte[] L_USER = ascii(",\"user\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] L_END = ascii("}\n");
    private static final byte[][] TASK_IDS = new byte[TaskType.values().length][];

    static {
        for (TaskType t : TaskType.values()) {
            TASK_IDS[t.ordinal()] = ascii(t.id());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void appendLine(Utf8Buffer out, SampleView s) {
        switch (format) {
            case ALPACA -> {
                out.append(A_OPEN);
                s.appendInstruction(out);
                out.append(A_MID);
                s.appendResponse(out);
                out.append(A_END);
            }
            case CHAT -> {
                out.append(C_OPEN);
                s.appendInstruction(out);
                out.append(C_MID);
                s.appendResponse(out);
                out.append(C_END);
            }
            case LCREC -> {
                out.append(L_OPEN).append(TASK_IDS[s.task().ordinal()]).append(L_TEMPLATE);
                out.appendInt(s.templateId()).append(L_PROMPT);
                s.appendInstruction(out);
                out.append(L_RESPONSE);
                s.appendResponse(out);
                out.append(L_TARGET).appendInt(s.targetItem()).append(L_USER);
                String user = s.user();
                if (user == null) {
                    out.append(NULL);
                } else {
                    out.append((byte) '"').appendJsonEscaped(user).append((byte) '"');
                }
                out.append(L_END);
            }
        }
    }

    /** Something that empties {@link #sb} into a sink. */
    @FunctionalInterface
    private interface Drain {
        void run() throws IOException;
    }

    private long generate(Iterator<Sample> samples, Drain drain) throws IOException {
        long n = 0;
        sb.setLength(0);
        if (samples instanceof TaskGenerator.SampleIterator it && it.canStep()) {
            // fused path: generated samples go straight into the buffer, never built as strings
            for (SampleView v = it.step(); v != null; v = it.step()) {
                appendLine(sb, v);
                n++;
                if (sb.length() >= FLUSH_AT) {
                    drain.run();
                }
            }
        } else {
            while (samples.hasNext()) {
                appendLine(sb, samples.next());
                n++;
                if (sb.length() >= FLUSH_AT) {
                    drain.run();
                }
            }
        }
        drain.run();
        return n;
    }

    private void drain(Writer out) throws IOException {
        int len = sb.length();
        if (chars.length < len) {
            chars = new char[len];
        }
        sb.getChars(0, len, chars, 0);
        out.write(chars, 0, len);
        sb.setLength(0);
    }

    /**
     * Writes samples to a file atomically (temp file, then move): a failure leaves no partial file.
     *
     * @param samples the samples
     * @param file the target
     * @return the number of lines written
     * @throws UncheckedIOException naming the file on failure
     * @throws DatasetException when there is no sample at all (an empty file would read as a
     *     successful export); the target is left as it was
     */
    public long write(Iterator<Sample> samples, Path file) {
        long[] n = new long[1];
        AtomicFiles.write(
                file,
                os -> {
                    n[0] = write(samples, os);
                    if (n[0] == 0) {
                        // thrown inside the write: the temporary file goes, the target stays
                        throw new DatasetException(
                                file
                                        + ": no samples to write (every requested task was empty"
                                        + " for this split: users too short for it, or items"
                                        + " without the texts the task needs); nothing written");
                    }
                });
        return n[0];
    }

    @Override
    public String toString() {
        return "JsonlExporter(format=" + format.id() + ")";
    }
}
