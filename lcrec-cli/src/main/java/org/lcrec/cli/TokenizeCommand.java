package org.lcrec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.tokenizers.Tokenizer;
import org.lcrec.tokenizers.TokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec tokenize}: one line of text in, one JSON array of token ids out, with a Hugging Face
 * {@code tokenizer.json} (optionally extended with a semantic index's tokens), for checking against
 * other tools.
 */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description =
                "Encode each line of a text file with a Hugging Face tokenizer.json; write one JSON array of ids per line.")
public final class TokenizeCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(
            names = "--tokenizer",
            required = true,
            paramLabel = "PATH",
            description =
                    "tokenizer.json, a directory holding one, or 'minilm' for the bundled all-MiniLM-L6-v2 tokenizer.")
    String tokenizer;

    @Option(
            names = "--add-index",
            paramLabel = "FILE",
            description =
                    "An LC-Rec <D>.index.json whose tokens (<a_N>...) are added as single tokens.")
    Path index;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE.txt",
            description = "UTF-8 text, one input per line.")
    Path input;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.jsonl",
            description = "Output: one JSON array of token ids per input line.")
    Path out;

    @Option(
            names = "--no-special-tokens",
            description = "Do not add the post-processor's special tokens (CLS/SEP, BOS).")
    boolean noSpecial;

    @Option(
            names = "--save-tokenizer",
            paramLabel = "FILE",
            description = "Also write the (extended) tokenizer as tokenizer.json.")
    Path saveTokenizer;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a JSON summary (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        long t0 = System.nanoTime();
        Tokenizer tk;
        try {
            tk = load(tokenizer);
            int before = tk.vocabSize();
            if (index != null) {
                SemanticIndex idx = LcRecFiles.readIndex(index);
                tk = tk.withIndexTokens(idx);
                o.printf(
                        Locale.ROOT,
                        "%-22s %,d (ids %,d..%,d)%n",
                        "index tokens added",
                        tk.vocabSize() - before,
                        before,
                        tk.vocabSize() - 1);
            }
            if (saveTokenizer != null) {
                tk.save(saveTokenizer);
            }
        } catch (TokenizerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        final Tokenizer t = tk;
        long[] counts = new long[2];
        try (java.io.InputStream in =
                new java.io.BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
            AtomicFiles.writeText(
                    out,
                    w -> {
                        StringBuilder sb = new StringBuilder();
                        String line;
                        while ((line = readLine(in, input, counts[0] + 1)) != null) {
                            int[] ids = t.encode(line, !noSpecial);
                            sb.setLength(0);
                            sb.append('[');
                            for (int i = 0; i < ids.length; i++) {
                                if (i > 0) {
                                    sb.append(',');
                                }
                                sb.append(ids[i]);
                            }
                            sb.append("]\n");
                            w.write(sb.toString());
                            counts[0]++;
                            counts[1] += ids.length;
                        }
                    });
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(input + ": input file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException(input + ": cannot read: " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "%-22s %s%n", "tokenizer", t);
        o.printf(Locale.ROOT, "%-22s %,d%n", "lines", counts[0]);
        o.printf(Locale.ROOT, "%-22s %,d%n", "tokens", counts[1]);
        o.printf(Locale.ROOT, "%-22s %s%n", "written", out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tokenizer", t.source());
        json.put("vocabSize", t.vocabSize());
        json.put(
                "indexTokens",
                index == null
                        ? 0
                        : t.addedTokens().stream()
                                .filter(a -> a.content().matches("<[a-z]_\\d+>"))
                                .count());
        json.put("lines", counts[0]);
        json.put("tokens", counts[1]);
        json.put("specialTokens", !noSpecial);
        json.put("seconds", seconds);
        json.put("out", out.toString());
        output.progress().printf(Locale.ROOT, "%-22s %.2f s%n", "tokenized in", seconds);
        output.report(json);
        output.flush();
    }

    static Tokenizer load(String spec) {
        if (spec.equalsIgnoreCase("minilm")) {
            try (InputStream in =
                    TextEncoder.class.getResourceAsStream(TextEncoder.MINILM_TOKENIZER_RESOURCE)) {
                if (in == null) {
                    throw new IllegalArgumentException(
                            "the bundled MiniLM tokenizer is not on the class path");
                }
                return Tokenizer.read(in, "minilm (bundled)");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Tokenizer.load(Path.of(spec));
    }

    /**
     * The next line of the input (without its line break), or null at the end. Lines are split on
     * bytes and decoded one by one, so bytes that are not UTF-8 are reported with their exact line
     * and as the input's fault (inside the output's atomic write they would otherwise read as a
     * failure to write the output).
     */
    private static String readLine(java.io.InputStream in, Path input, long lineNo)
            throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int n =
                bytes.length > 0 && bytes[bytes.length - 1] == '\r'
                        ? bytes.length - 1
                        : bytes.length;
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, n))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(
                    input + ": line " + lineNo + ": expected UTF-8 text, found bytes that are not",
                    e);
        }
    }
}
