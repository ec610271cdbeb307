package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Dataset;
import org.lcrec.model.encoder.EmbeddingCache;
import org.lcrec.model.encoder.EncoderException;
import org.lcrec.model.encoder.ItemTexts;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.encoder.TextEncoderConfig;
import org.lcrec.tokenizers.TokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec embed}: item text embeddings as a NumPy {@code .npy} float32 {@code [items, dim]},
 * row i = the i-th item in ascending id order (LC-Rec's {@code <D>.emb-<plm>-td.npy} layout). A
 * second run with the same encoder and texts reads the file back instead of recomputing.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description =
                "Embed item texts (title and description, cleaned, as LC-Rec does) with a sentence"
                        + " encoder and write them as .npy (cached: a rerun reuses the file).")
public final class EmbedCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DataOptions data = new DataOptions();

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.npy",
            description =
                    "Output .npy (also the cache; a FILE.npy.meta.json sidecar is written beside it).")
    Path out;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "BERT-style model directory (model.onnx + tokenizer.json). Default: the bundled all-MiniLM-L6-v2.")
    Path model;

    @Option(
            names = "--max-length",
            defaultValue = "256",
            description = "Longest token sequence per text (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(
            names = "--batch-size",
            defaultValue = "32",
            description = "Texts per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", description = "ONNX Runtime threads (default: all processors).")
    Integer threads;

    @Option(
            names = "--no-normalize",
            description = "Keep raw mean-pooled vectors (default: L2-normalised).")
    boolean noNormalize;

    @Option(names = "--brand", description = "Also embed the brand as a field.")
    boolean brand;

    @Option(names = "--categories", description = "Also embed the categories as a field.")
    boolean categories;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a JSON summary (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        TextEncoderConfig cfg =
                new TextEncoderConfig(
                        maxLength,
                        batchSize,
                        !noNormalize,
                        threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        Dataset dataset = data.load();
        ItemTexts texts = new ItemTexts(brand, categories);
        long t0 = System.nanoTime();
        try (TextEncoder encoder =
                model == null ? TextEncoder.miniLm(cfg) : TextEncoder.open(model, cfg)) {
            int total = dataset.items().size() * texts.fieldCount();
            EmbeddingCache.Result result;
            try (ProgressBar bar = new ProgressBar(output.progress(), "embedding", total)) {
                result =
                        EmbeddingCache.embed(
                                encoder,
                                dataset.items(),
                                texts,
                                out,
                                (done, all) -> bar.update(done, "texts"));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int items = result.size();
            o.printf(Locale.ROOT, "%-22s %,d%n", "items", items);
            o.printf(Locale.ROOT, "%-22s %d%n", "dimension", encoder.dimension());
            o.printf(Locale.ROOT, "%-22s %s%n", "encoder", encoder.id());
            o.printf(Locale.ROOT, "%-22s %s%n", "fields", texts);
            o.printf(
                    Locale.ROOT,
                    "%-22s %s%n",
                    "source",
                    result.fromCache() ? "cache (" + out + ")" : "computed");
            output.progress()
                    .printf(
                            Locale.ROOT,
                            "%-22s %.2f s (%.1f items/s)%n",
                            "embedded in",
                            seconds,
                            items / Math.max(seconds, 1e-9));
            o.printf(Locale.ROOT, "%-22s %s%n", "written", out);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("items", items);
            json.put("dimension", encoder.dimension());
            json.put("encoder", encoder.id());
            json.put("fields", texts.toString());
            json.put("fromCache", result.fromCache());
            json.put("textsSha256", result.textsHash());
            json.put("seconds", seconds);
            json.put("itemsPerSecond", items / Math.max(seconds, 1e-9));
            json.put("out", out.toString());
            json.put("source", data.synthetic() ? "synthetic (seed 42)" : data.dir().toString());
            output.report(json);
        } catch (EncoderException | TokenizerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        output.flush();
    }
}
