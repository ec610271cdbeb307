package org.lcrec.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lcrec.core.Interactions;
import org.lcrec.core.SdkVersion;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.Fingerprints;
import org.lcrec.core.io.LcRecFiles;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.RecommenderConfig;
import org.lcrec.inference.TextPrompts;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.export.ExportOptions;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.model.llm.HfCheckpoint;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.sft.SftPrompts;
import org.lcrec.tasks.TaskConfig;
import org.lcrec.tasks.TaskType;
import org.lcrec.tasks.TemplateSet;
import org.lcrec.tokenizers.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lcrec export}: a Hugging Face checkpoint directory (or {@code lcrec train}'s {@code
 * out/model}) to an ONNX decoder directory with a key/value cache in Hugging Face Optimum's layout
 * ({@code model.onnx} [+ {@code model.onnx_data}], {@code config.json}, {@code tokenizer.json}).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a decoder checkpoint to ONNX with a KV cache (Optimum layout).")
public final class ExportCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            description = "Checkpoint directory: config.json + model.safetensors (or shards).")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
    Path out;

    @Option(
            names = "--no-beam-idx",
            description = "Leave out the beam_idx input that reorders the cache in the graph.")
    boolean noBeamIdx;

    @Option(
            names = "--no-beam-graph",
            description =
                    "Leave out beam_decoder.onnx, the beam-search graph (prompt cache shared by"
                            + " the beams, LM head at the last position) that lcrec's decoder"
                            + " uses where present; its session holds a second copy of the weights"
                            + " in memory (on disk, external weights are shared).")
    boolean noBeamGraph;

    @Option(
            names = "--external-data",
            paramLabel = "auto|always|never",
            defaultValue = "auto",
            description = "Weights in model.onnx_data: auto (above 1 GB), always or never.")
    String externalData;

    /** {@link #externalData} parsed. */
    private ExportOptions.ExternalData ext;

    @Option(
            names = "--bundle",
            description =
                    "Write a model bundle (what Recommender.open and lcrec recommend/evaluate take):"
                            + " needs --index; prompts from --text-prompts, else LC-Rec's seqrec"
                            + " templates, which lcrec train trains on.")
    boolean bundle;

    @Option(
            names = "--index",
            paramLabel = "FILE",
            description = "With --bundle: the item index the model was trained with.")
    Path index;

    @Option(
            names = "--text-prompts",
            paramLabel = "FILE",
            description =
                    "With --bundle: the prompt templates the model was trained with, as text"
                            + " (version 1 JSON, as in a bundle's prompts.json).")
    Path textPrompts;

    @Option(
            names = "--no-eos",
            description = "With --bundle: the model was trained without an EOS after the item.")
    boolean noEos;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Write a JSON report (-: on stdout instead of the table).")
    Path report;

    @Override
    public void run() {
        Output output = Output.of(spec, report);
        PrintWriter o = output.results();
        try {
            ext = ExportOptions.ExternalData.valueOf(externalData.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--external-data: expected auto, always or never, found \""
                            + externalData
                            + "\"");
        }
        if (!HfCheckpoint.isCheckpoint(model)) {
            throw new IllegalArgumentException(
                    model
                            + ": not a checkpoint directory (needs config.json and"
                            + " model.safetensors or model.safetensors.index.json)");
        }
        if (!bundle && (index != null || textPrompts != null || noEos)) {
            throw new IllegalArgumentException("--index and --text-prompts go with --bundle");
        }
        if (bundle) {
            if (index == null) {
                throw new IllegalArgumentException(
                        "--bundle needs --index FILE: the item index the model was trained with");
            }
            long t0 = System.nanoTime();
            ModelBundle b = writeBundle();
            o.printf(Locale.ROOT, "%-22s %s%n", "bundle", b);
            output.progress()
                    .printf(
                            Locale.ROOT,
                            "%-22s %.2f s%n",
                            "exported in",
                            (System.nanoTime() - t0) / 1e9);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", model.toString());
            json.put("bundle", b.dir().toString());
            output.report(json);
            output.flush();
            return;
        }
        long t0 = System.nanoTime();
        LlamaModel m;
        try {
            m = DecoderExport.exportDirectory(model, out, options());
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        boolean tokenizer = Files.isRegularFile(out.resolve(HfCheckpoint.TOKENIZER));
        boolean external = Files.isRegularFile(out.resolve(DecoderExport.DATA_FILE));
        boolean beamGraph = Files.isRegularFile(out.resolve(DecoderExport.BEAM_MODEL_FILE));
        o.printf(Locale.ROOT, "%-22s %s%n", "model", m.config());
        o.printf(Locale.ROOT, "%-22s %,d%n", "parameters", m.config().parameterCount());
        o.printf(
                Locale.ROOT,
                "%-22s %s%s%n",
                "wrote",
                out.resolve(DecoderExport.MODEL_FILE),
                (external ? " + " + DecoderExport.DATA_FILE : "")
                        + (beamGraph ? " + " + DecoderExport.BEAM_MODEL_FILE : ""));
        o.printf(
                Locale.ROOT,
                "%-22s %s%n",
                "tokenizer.json",
                tokenizer ? "copied" : "absent in " + model);
        output.progress().printf(Locale.ROOT, "%-22s %.2f s%n", "exported in", secs);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.toString());
        json.put("out", out.toString());
        json.put("config", m.config().toString());
        json.put("parameters", m.config().parameterCount());
        json.put("beamIdx", !noBeamIdx);
        json.put("externalData", external);
        json.put("tokenizer", tokenizer);
        json.put("seconds", secs);
        output.report(json);
        output.flush();
    }

    /** The decoder export options from the command line, for a plain export and a bundle alike. */
    private ExportOptions options() {
        return ExportOptions.defaults()
                .withBeamIdx(!noBeamIdx)
                .withBeamGraph(!noBeamGraph)
                .withExternalData(ext);
    }

    private ModelBundle writeBundle() {
        SemanticIndex idx = LcRecFiles.readIndex(index);
        Path tokFile = model.resolve(HfCheckpoint.TOKENIZER);
        if (!Files.isRegularFile(tokFile)) {
            throw new IllegalArgumentException(
                    tokFile + ": missing; a bundle needs the tokenizer the model was trained with");
        }
        Tokenizer tok = Tokenizer.load(tokFile);
        TaskConfig tc = TaskConfig.defaults();
        List<TextTemplate> prompts;
        if (textPrompts != null) {
            prompts = TextPrompts.read(textPrompts);
        } else {
            TemplateSet ts = TemplateSet.defaults();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < ts.get(TaskType.SEQREC).size(); i++) {
                ids.add(i);
            }
            prompts = SftPrompts.seqrecTemplates(ts, ids, tc);
        }
        BundleManifest manifest =
                new BundleManifest(
                        ModelBundle.FORMAT_VERSION,
                        SdkVersion.get(),
                        Instant.now().toString(),
                        "unknown (exported from " + model + ")",
                        Fingerprints.of(Interactions.builder().build(), idx),
                        new BundleManifest.Decoding(
                                RecommenderConfig.DEFAULT_BEAMS, !noEos, tc.maxHistory(), false),
                        Map.of("exportedFrom", model.toString()),
                        Map.of());
        return BundleWriter.write(
                LlamaModel.load(model), tok, idx, prompts, manifest, out, options());
    }
}
