package org.lcrec.model.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.inference.OrtCausalDecoder;
import org.lcrec.model.llm.CheckpointException;
import org.lcrec.model.llm.DecoderGraph;
import org.lcrec.model.llm.HfCheckpoint;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.Dim;
import org.lcrec.onnx.Graph;
import org.lcrec.onnx.GraphBuilder;
import org.lcrec.onnx.OnnxExport;
import org.lcrec.onnx.Tensor;

/**
 * Exports a decoder as one ONNX graph with a key/value cache in Hugging Face Optimum's layout,
 * serving both prefill (past length 0) and single-step decoding:
 *
 * <ul>
 *   <li>inputs {@code input_ids [batch_size, sequence_length]} int64, {@code attention_mask
 *       [batch_size, total_sequence_length]} int64 (total = past + sequence), {@code position_ids
 *       [batch_size, sequence_length]} int64, {@code past_key_values.{i}.key/.value [batch_size,
 *       kv_heads, past_sequence_length, head_dim]} float32, and optionally {@code beam_idx
 *       [batch_size]} int64 which gathers the past along the batch before use;
 *   <li>outputs {@code logits [batch_size, sequence_length, vocab]} float32 and {@code
 *       present.{i}.key/.value [batch_size, kv_heads, total_sequence_length, head_dim]}.
 * </ul>
 *
 * <p>The output directory holds {@code model.onnx} (plus {@value #DATA_FILE} when the weights are
 * external), {@code config.json} and, when the source has one, {@code tokenizer.json}; with {@link
 * ExportOptions#beamGraph()} also {@value #BEAM_MODEL_FILE}, the {@linkplain #beamGraph beam-search
 * graph} that this SDK's decoder uses where it finds one; with external weights it refers to those
 * in {@value #DATA_FILE}, so they are on disk once.
 */
public final class DecoderExport {
    /** The model file. */
    public static final String MODEL_FILE = "model.onnx";

    /** The external weight file (Optimum's name). */
    public static final String DATA_FILE = "model.onnx_data";

    /** The beam-search graph's file ({@link #beamGraph}). */
    public static final String BEAM_MODEL_FILE = OrtCausalDecoder.BEAM_MODEL_FILE;

    /** The beam graph's own weight file in earlier exports; a re-export drops it. */
    private static final String BEAM_DATA_FILE = "beam_decoder.onnx_data";

    /** The beam-search graph's output: log-softmax of each row's last-position logits. */
    public static final String LOG_PROBS = OrtCausalDecoder.BEAM_LOG_PROBS;

    /** The beam-search graph's shared-prefix mask input {@code [prompts, prefix_length]}. */
    public static final String PREFIX_MASK = OrtCausalDecoder.BEAM_PREFIX_MASK;

    /** The beam-search graph's input name of layer {@code i}'s shared prefix keys. */
    public static String prefixKey(int i) {
        return "prefix." + i + ".key";
    }

    /** The beam-search graph's input name of layer {@code i}'s shared prefix values. */
    public static String prefixValue(int i) {
        return "prefix." + i + ".value";
    }

    private DecoderExport() {}

    /** The input name of layer {@code i}'s past keys. */
    public static String pastKey(int i) {
        return "past_key_values." + i + ".key";
    }

    /** The input name of layer {@code i}'s past values. */
    public static String pastValue(int i) {
        return "past_key_values." + i + ".value";
    }

    /** The output name of layer {@code i}'s present keys. */
    public static String presentKey(int i) {
        return "present." + i + ".key";
    }

    /** The output name of layer {@code i}'s present values. */
    public static String presentValue(int i) {
        return "present." + i + ".value";
    }

    /** The inference graph (all weights are frozen parameters named as in the checkpoint). */
    public static Graph graph(LlamaConfig c, boolean beamIdx) {
        GraphBuilder g = new GraphBuilder("decoder").training(false);
        Dim batch = Dim.dim("batch_size");
        Dim seq = Dim.dim("sequence_length");
        Dim past = Dim.dim("past_sequence_length");
        Dim total = Dim.dim("total_sequence_length");
        Tensor ids = g.input("input_ids", DType.INT64, batch, seq);
        Tensor mask = g.input("attention_mask", DType.INT64, batch, total);
        Tensor pos = g.input("position_ids", DType.INT64, batch, seq);
        List<Tensor> pk = new ArrayList<>();
        List<Tensor> pv = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            pk.add(
                    g.input(
                            pastKey(i),
                            DType.FLOAT,
                            batch,
                            (long) c.numKvHeads(),
                            past,
                            (long) c.headDim()));
            pv.add(
                    g.input(
                            pastValue(i),
                            DType.FLOAT,
                            batch,
                            (long) c.numKvHeads(),
                            past,
                            (long) c.headDim()));
        }
        Tensor beam = beamIdx ? g.input("beam_idx", DType.INT64, batch) : null;
        DecoderGraph.Weights w = DecoderGraph.parameters(false);
        DecoderGraph.Result r = DecoderGraph.forward(g, c, w, ids, mask, pos, pk, pv, beam);
        Tensor logits = DecoderGraph.logits(g, c, w, r.hidden());
        g.output(
                "logits",
                g.reshape(
                        logits,
                        g.shapeTensor(g.dimOf(ids, 0), g.dimOf(ids, 1), (long) c.vocabSize())));
        for (int i = 0; i < c.numLayers(); i++) {
            g.output(presentKey(i), r.presentKeys().get(i));
            g.output(presentValue(i), r.presentValues().get(i));
        }
        return g.build();
    }

    /**
     * The beam-search graph: the decoder over {@code rows} sequences that belong to {@code prompts}
     * prompts ({@code rows / prompts} consecutive rows each), each prompt's keys and values held
     * once as a shared prefix, and the LM head at the last position only.
     *
     * <ul>
     *   <li>inputs {@code input_ids}, {@code attention_mask}, {@code position_ids}, {@code
     *       past_key_values.{i}.key/.value} and {@code beam_idx} as in {@link #graph} but covering
     *       each row's own positions only (those after the prefix); {@code prefix.{i}.key/.value
     *       [prompts, kv_heads, prefix_length, head_dim]} and {@code prefix_mask [prompts,
     *       prefix_length]} int64;
     *   <li>outputs {@value #LOG_PROBS} {@code [rows, vocab]}, the log-softmax of each row's
     *       last-position logits, and {@code present.{i}.key/.value} (own positions).
     * </ul>
     *
     * <p>A prefill runs it with one row per prompt and a one-position prefix that is masked out;
     * its presents then become the prefix of the beams' steps, which feed one token per row with an
     * own past that starts empty. Beams never copy the prompt's cache: reordering by {@code
     * beam_idx} moves the few generated positions only.
     */
    public static Graph beamGraph(LlamaConfig c) {
        GraphBuilder g = new GraphBuilder("beam_decoder").training(false);
        Dim rows = Dim.dim("rows");
        Dim seq = Dim.dim("sequence_length");
        Dim past = Dim.dim("past_sequence_length");
        Dim total = Dim.dim("total_sequence_length");
        Dim prompts = Dim.dim("prompts");
        Dim prefixLength = Dim.dim("prefix_length");
        Tensor ids = g.input("input_ids", DType.INT64, rows, seq);
        Tensor mask = g.input("attention_mask", DType.INT64, rows, total);
        Tensor pos = g.input("position_ids", DType.INT64, rows, seq);
        long kvh = c.numKvHeads();
        long hd = c.headDim();
        List<Tensor> pk = new ArrayList<>();
        List<Tensor> pv = new ArrayList<>();
        List<Tensor> sk = new ArrayList<>();
        List<Tensor> sv = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            pk.add(g.input(pastKey(i), DType.FLOAT, rows, kvh, past, hd));
            pv.add(g.input(pastValue(i), DType.FLOAT, rows, kvh, past, hd));
        }
        Tensor beam = g.input("beam_idx", DType.INT64, rows);
        for (int i = 0; i < c.numLayers(); i++) {
            sk.add(g.input(prefixKey(i), DType.FLOAT, prompts, kvh, prefixLength, hd));
            sv.add(g.input(prefixValue(i), DType.FLOAT, prompts, kvh, prefixLength, hd));
        }
        Tensor prefixMask = g.input(PREFIX_MASK, DType.INT64, prompts, prefixLength);
        DecoderGraph.Weights w = DecoderGraph.parameters(false);
        DecoderGraph.Result r =
                DecoderGraph.forwardWithPrefix(
                        g,
                        c,
                        w,
                        ids,
                        mask,
                        pos,
                        pk,
                        pv,
                        beam,
                        new DecoderGraph.SharedPrefix(sk, sv, prefixMask));
        // the last position of each row: [rows*seq, d] -> [rows, seq, d] -> [rows, d]
        long d = c.hiddenSize();
        Tensor last =
                g.reshape(
                        g.slice(
                                g.reshape(r.hidden(), g.shapeTensor(g.dimOf(ids, 0), -1L, d)),
                                1,
                                -1,
                                Long.MAX_VALUE),
                        -1,
                        d);
        g.output(LOG_PROBS, g.logSoftmax(DecoderGraph.logits(g, c, w, last), -1));
        for (int i = 0; i < c.numLayers(); i++) {
            g.output(presentKey(i), r.presentKeys().get(i));
            g.output(presentValue(i), r.presentValues().get(i));
        }
        return g.build();
    }

    /** The serialised model with weights inside (for tests and small models). */
    public static byte[] toBytes(LlamaModel m, boolean beamIdx) {
        return OnnxExport.builder()
                .parameterValues(m.weights())
                .build()
                .toBytes(graph(m.config(), beamIdx));
    }

    /**
     * Writes {@code model.onnx} (+ external data) and {@code config.json} for {@code m} into {@code
     * outDir}, replacing an earlier export there as a whole ({@link AtomicFiles#replaceDirectory}):
     * other files in the directory (a tokenizer, a token map) are carried over, and a kill at any
     * point leaves the earlier export or the new one, complete (the next export repairs what a
     * killed one left).
     */
    public static void export(LlamaModel m, Path outDir, ExportOptions o) {
        Path abs = outDir.toAbsolutePath().normalize();
        AtomicFiles.replaceDirectory(
                abs,
                staging -> {
                    if (Files.isDirectory(abs)) {
                        try (Stream<Path> files = Files.list(abs)) {
                            for (Path f : files.toList()) {
                                String n = f.getFileName().toString();
                                if (!n.equals(MODEL_FILE)
                                        && !n.equals(DATA_FILE)
                                        && !n.equals(BEAM_MODEL_FILE)
                                        && !n.equals(BEAM_DATA_FILE)
                                        && !n.equals(HfCheckpoint.CONFIG)) {
                                    copyTree(f, staging.resolve(n));
                                }
                            }
                        }
                    }
                    writeFiles(m, staging, o);
                });
    }

    /**
     * Writes {@code model.onnx} (+ external data) and {@code config.json} into an empty directory
     * that the caller publishes (as {@link BundleWriter} does).
     *
     * @param m the model
     * @param dir an empty directory
     * @param o the options
     */
    static void writeFiles(LlamaModel m, Path dir, ExportOptions o) {
        try {
            Files.createDirectories(dir);
            long bytes = m.weights().totalSize() * 4;
            boolean external =
                    o.externalData() == ExportOptions.ExternalData.ALWAYS
                            || (o.externalData() == ExportOptions.ExternalData.AUTO
                                    && bytes > o.externalThresholdBytes());
            OnnxExport.Builder b = OnnxExport.builder().parameterValues(m.weights());
            if (external) {
                b.externalData(dir.resolve(DATA_FILE), 1024);
            }
            OnnxExport.ExternalLayout weights =
                    b.build().save(graph(m.config(), o.beamIdx()), dir.resolve(MODEL_FILE));
            if (o.beamGraph()) {
                // the beam graph refers to the weights in model.onnx_data rather than a copy
                OnnxExport.Builder bb = OnnxExport.builder().parameterValues(m.weights());
                if (external) {
                    bb.reuseExternalData(weights);
                }
                bb.build().save(beamGraph(m.config()), dir.resolve(BEAM_MODEL_FILE));
            }
            m.config().write(dir.resolve(HfCheckpoint.CONFIG));
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot export: " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            Files.createDirectories(to);
            try (Stream<Path> s = Files.list(from)) {
                for (Path f : s.toList()) {
                    copyTree(f, to.resolve(f.getFileName().toString()));
                }
            }
        } else {
            Files.copy(from, to);
        }
    }

    /**
     * Exports a checkpoint directory (a Hugging Face checkpoint or a trainer's output, whose LoRA
     * is already merged) and copies its tokenizer.json.
     */
    public static LlamaModel exportDirectory(Path modelDir, Path outDir, ExportOptions o) {
        LlamaModel m = LlamaModel.load(modelDir);
        export(m, outDir, o);
        LlamaModel.copyTokenizer(modelDir, outDir);
        return m;
    }
}
