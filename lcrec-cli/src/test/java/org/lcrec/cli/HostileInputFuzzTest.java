package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.cli.reproduce.ReproduceConfig;
import org.lcrec.core.Dataset;
import org.lcrec.core.LcrecException;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.SyntheticDataset;
import org.lcrec.core.io.DatasetDirectory;
import org.lcrec.core.io.MiniOneRecImporter;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.DecoderConfig;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.PromptTemplate;
import org.lcrec.inference.TextPrompts;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.encoder.Npy;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.export.BundleWriter;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.export.ExportOptions;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.model.llm.LlamaPreset;
import org.lcrec.model.sasrec.SasRecConfig;
import org.lcrec.model.sasrec.SasRecModel;
import org.lcrec.model.sasrec.SasRecTrainer;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.OnnxModel;
import org.lcrec.onnx.Safetensors;
import org.lcrec.quantization.Embeddings;
import org.lcrec.quantization.RqVaeConfig;
import org.lcrec.quantization.RqVaeModel;
import org.lcrec.quantization.RqVaeTrainer;
import org.lcrec.tokenizers.Tokenizer;

/**
 * Seeded fuzzing of every reader of the SDK: valid files of each format (dataset JSON, MiniOneRec
 * CSV, {@code .npy}, safetensors, {@code tokenizer.json}, model {@code config.json}, ONNX, bundle
 * files, saved quantizers and SASRec models, reproduce configs) are mutated by {@link Mutator} and
 * read back. Each read must either succeed or end in the SDK's own exception ({@link
 * LcrecException}; for the command line's own config file, whose reader reports bad options, also
 * {@link IllegalArgumentException}): never an {@link Error}, never another runtime exception. Each
 * read may allocate at most {@link #ALLOCATION_BOUND} bytes on its thread, so a small file that
 * declares a huge shape is refused before anything is allocated for it. A second test drives the
 * command line on mutated bundles and datasets and checks that no stack trace reaches the user.
 */
class HostileInputFuzzTest {
    /** Inputs per target; 19 targets make 12,350 inputs. */
    private static final int PER_TARGET = 650;

    /**
     * The most a single read may allocate (measured by the JVM per thread, every allocation
     * counted, garbage included). The valid inputs are at most a few hundred KB; the largest read
     * of a valid one (the tiny decoder's weights) allocates about 4 MB.
     */
    private static final long ALLOCATION_BOUND = 64L << 20;

    private static final long SEED = 20261207L;

    @TempDir static Path tmp;

    /** A reader under test and where its valid input lives. */
    private record Target(String name, Path dir, String file, boolean text, Reader reader) {}

    @FunctionalInterface
    private interface Reader {
        void read(Path file) throws Exception;
    }

    private static final List<Target> TARGETS = new ArrayList<>();

    private static Path bundle;
    private static Path dataset;

    @BeforeAll
    static void validInputs() throws IOException {
        // a dataset in LC-Rec's layout
        dataset = Files.createDirectories(tmp.resolve("data"));
        Dataset data = SyntheticDataset.defaults().withSize(60, 40).generate();
        DatasetDirectory.write(data, dataset);
        String name = data.name();
        for (String suffix : List.of(".inter.json", ".index.json", ".item.json")) {
            TARGETS.add(
                    new Target(
                            "dataset " + suffix,
                            dataset,
                            name + suffix,
                            true,
                            f -> Dataset.load(f.getParent())));
        }

        // MiniOneRec's CSV layout
        Path csv = Files.createDirectories(tmp.resolve("csv"));
        StringBuilder items = new StringBuilder("{");
        for (int i = 0; i < 12; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("\"")
                    .append(i)
                    .append("\": {\"title\": \"t")
                    .append(i)
                    .append("\"}");
        }
        Files.writeString(csv.resolve("X.item.json"), items.append("}"));
        String header =
                "user_id,history_item_title,item_title,history_item_id,item_id,history_item_sid,"
                        + "item_sid\n";
        Files.writeString(
                csv.resolve("X.valid.csv"),
                header
                        + "A1,\"['Bob\\'s saw, 12\"\"', \"it's\"]\",t2,\"[0, 1]\",2,[],\n"
                        + "B2,['t5'],t6,[5],6,\"['<a_1>', '<b_2>']\",\n");
        Files.writeString(
                csv.resolve("X.test.csv"),
                header
                        + "A1,[],t3,\"[0, 1, 2]\",3,[],\n"
                        + "B2,[],t7,\"[5, 6]\",7,[],\n"
                        + "C3,[],t9,[8],9,[],\n");
        TARGETS.add(
                new Target(
                        "MiniOneRec CSV",
                        csv,
                        "X.test.csv",
                        true,
                        f -> MiniOneRecImporter.read(f.getParent(), "X")));

        // arrays and weights
        Path arrays = Files.createDirectories(tmp.resolve("arrays"));
        float[][] rows = new float[20][8];
        Random r = new Random(1);
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        Npy.write(arrays.resolve("x.npy"), rows);
        TARGETS.add(new Target(".npy", arrays, "x.npy", false, Npy::read));
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("ids", HostTensor.ofLongs(new long[] {7, 8, 9}, 3));
        tensors.put("b", HostTensor.ofInts(new int[] {1, -1}, 2));
        Safetensors.write(arrays.resolve("t.safetensors"), tensors, Map.of("format", "pt"));
        TARGETS.add(
                new Target(
                        "safetensors",
                        arrays,
                        "t.safetensors",
                        false,
                        f ->
                                Safetensors.read(f)
                                        .tensors()
                                        .values()
                                        .forEach(t -> t.bytes().remaining())));

        // a bundle: decoder (ONNX, config.json), tokenizer, index, token map, prompts, manifest
        TextTemplate prompt = new TextTemplate("seqrec-test", "the user bought", ", ", ". next:");
        Map<Integer, SemanticId> m = new HashMap<>();
        for (int item = 0; item < 20; item++) {
            m.put(item, SemanticId.of(item % 5, item / 5, 0));
        }
        SemanticIndex index = SemanticIndex.of(m);
        Tokenizer tokenizer =
                TextEncoder.miniLmTokenizer()
                        .withIndexTokens(index)
                        .restrictedTo(
                                List.of(prompt.prefix(), prompt.separator(), prompt.suffix()));
        LlamaModel model =
                LlamaModel.random(
                        LlamaPreset.CPU_TINY.config(
                                tokenizer.vocabSize(),
                                tokenizer.tokenToId("[CLS]"),
                                tokenizer.tokenToId("[SEP]"),
                                tokenizer.padId()),
                        5);
        bundle = tmp.resolve("bundle");
        BundleWriter.write(
                model,
                tokenizer,
                index,
                List.of(prompt),
                new BundleManifest(
                        ModelBundle.FORMAT_VERSION,
                        "test",
                        "2026-12-07T00:00:00Z",
                        "fixture",
                        "sha256:00",
                        new BundleManifest.Decoding(10, true, 20, false),
                        Map.of("epochs", 1),
                        Map.of("validation", Map.of("ndcg@10", 0.25))),
                bundle);
        for (String f :
                List.of(
                        ModelBundle.MANIFEST,
                        ModelBundle.PROMPTS,
                        ModelBundle.TOKEN_MAP,
                        ModelBundle.INDEX)) {
            TARGETS.add(
                    new Target(
                            "bundle " + f, bundle, f, true, p -> ModelBundle.read(p.getParent())));
        }
        TARGETS.add(
                new Target("tokenizer.json", bundle, ModelBundle.TOKENIZER, true, Tokenizer::load));
        TARGETS.add(
                new Target("text prompts", bundle, ModelBundle.PROMPTS, true, TextPrompts::read));
        Path prompts = Files.createDirectories(tmp.resolve("prompts"));
        Files.writeString(
                prompts.resolve("p.json"),
                "{\"version\": 1, \"templates\": [{\"name\": \"a\", \"prefix\": [2, 8, 11],"
                        + " \"separator\": [5], \"suffix\": [6, 9]}, {\"name\": \"b\","
                        + " \"prefix\": [3], \"separator\": [], \"suffix\": [7]}]}");
        TARGETS.add(new Target("token prompts", prompts, "p.json", true, PromptTemplate::read));
        TARGETS.add(
                new Target(
                        "decoder config.json",
                        bundle,
                        ModelBundle.CONFIG,
                        true,
                        DecoderConfig::read));
        Path external = tmp.resolve("external");
        DecoderExport.export(
                model,
                external,
                ExportOptions.defaults().withExternalData(ExportOptions.ExternalData.ALWAYS));
        TARGETS.add(
                new Target(
                        "model.onnx (external data)",
                        external,
                        DecoderExport.MODEL_FILE,
                        false,
                        f ->
                                OnnxModel.read(f)
                                        .initializers()
                                        .values()
                                        .forEach(t -> t.bytes().remaining())));

        // a checkpoint: config.json and model.safetensors
        Path checkpoint = tmp.resolve("checkpoint");
        model.save(checkpoint);
        TARGETS.add(
                new Target(
                        "checkpoint config.json",
                        checkpoint,
                        "config.json",
                        true,
                        f -> LlamaModel.load(f.getParent())));

        // a saved quantizer and a saved SASRec model
        Path quantizer = Files.createDirectories(tmp.resolve("quantizer"));
        RqVaeConfig qc =
                RqVaeConfig.builder()
                        .encoderLayers(new int[] {16})
                        .latentDim(8)
                        .levels(2)
                        .codes(8)
                        .epochs(1)
                        .batchSize(64)
                        .kmeansInit(false)
                        .numThreads(1)
                        .build();
        try (RqVaeModel q =
                new RqVaeTrainer(qc).fit(Embeddings.gaussianClusters(128, 16, 8, 1.0, 3))) {
            q.save(quantizer.resolve("rqvae.safetensors"));
        }
        TARGETS.add(
                new Target(
                        "RQ-VAE safetensors",
                        quantizer,
                        "rqvae.safetensors",
                        false,
                        f -> {
                            try (RqVaeModel q = RqVaeModel.load(f)) {
                                q.toString();
                            }
                        }));
        Path sasrec = tmp.resolve("sasrec");
        SasRecConfig sc =
                SasRecConfig.builder()
                        .maxLength(8)
                        .hiddenSize(16)
                        .numBlocks(1)
                        .numHeads(1)
                        .maxEpochs(1)
                        .batchSize(32)
                        .numThreads(1)
                        .seed(1)
                        .build();
        try (SasRecModel s = new SasRecTrainer(sc).train(data.interactions(), 2)) {
            s.save(sasrec);
        }
        TARGETS.add(
                new Target(
                        "SASRec sasrec.json",
                        sasrec,
                        SasRecModel.CONFIG_FILE,
                        true,
                        f -> {
                            try (SasRecModel s = SasRecModel.load(f.getParent())) {
                                s.toString();
                            }
                        }));

        // the command line's reproduce config
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        try (var in =
                ReproduceConfig.class.getResourceAsStream(
                        "/org/lcrec/cli/reproduce/industrial-full.json")) {
            Files.write(configs.resolve("c.json"), in.readAllBytes());
        }
        TARGETS.add(
                new Target(
                        "reproduce config",
                        configs,
                        "c.json",
                        true,
                        f -> ReproduceConfig.load(f.toString())));
    }

    /** One read that broke the rules. */
    private record Finding(String target, long seed, String kind, String what) {}

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against hangs, not a speed target
    void everyReaderEndsInTheSdksOwnErrorOrSucceedsOnTenThousandMutatedInputs() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        List<Finding> findings = new ArrayList<>();
        Map<String, int[]> outcomes = new LinkedHashMap<>();
        long maxAllocated = 0;
        long start = System.nanoTime();
        int total = 0;
        for (int t = 0; t < TARGETS.size(); t++) {
            Target target = TARGETS.get(t);
            Path file = target.dir().resolve(target.file());
            byte[] valid = Files.readAllBytes(file);
            // the valid input reads
            readOrFail(target, file);
            int[] counts = outcomes.computeIfAbsent(target.name(), k -> new int[2]);
            for (int i = 0; i < PER_TARGET; i++) {
                long seed = SEED * 31 + t * 100_003L + i;
                byte[] bad = new Mutator(seed).mutate(valid, target.text());
                Files.write(file, bad);
                long before = threads.getThreadAllocatedBytes(self);
                Throwable thrown = null;
                try {
                    target.reader().read(file);
                } catch (Throwable e) {
                    thrown = e;
                }
                long allocated = threads.getThreadAllocatedBytes(self) - before;
                maxAllocated = Math.max(maxAllocated, allocated);
                total++;
                counts[thrown == null ? 0 : 1]++;
                if (thrown != null && !clean(target, thrown)) {
                    findings.add(new Finding(target.name(), seed, kind(thrown), describe(thrown)));
                }
                if (allocated > ALLOCATION_BOUND) {
                    findings.add(
                            new Finding(
                                    target.name(),
                                    seed,
                                    "allocation",
                                    "allocated "
                                            + (allocated >> 20)
                                            + " MB reading a mutated file"));
                }
                restore(target, file, valid);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "fuzz: %,d mutated inputs over %d readers in %.1f s, most allocated by one read %.1f"
                        + " MB; accepted/refused per reader: %s%n",
                total, TARGETS.size(), seconds, maxAllocated / 1048576.0, summary(outcomes));
        assertThat(total).isGreaterThanOrEqualTo(10_000);
        // one line per kind of finding (reader, type, where thrown), with a count and an example
        Map<String, List<Finding>> kinds = new LinkedHashMap<>();
        for (Finding f : findings) {
            kinds.computeIfAbsent(f.target() + " | " + f.kind(), k -> new ArrayList<>()).add(f);
        }
        List<String> report = new ArrayList<>();
        kinds.forEach(
                (k, v) ->
                        report.add(
                                v.size()
                                        + " x "
                                        + k
                                        + " e.g. seed "
                                        + v.get(0).seed()
                                        + ": "
                                        + v.get(0).what()));
        report.forEach(l -> System.out.println("fuzz finding: " + l));
        assertThat(report)
                .as(
                        "reads of mutated inputs that ended in an Error, a non-SDK exception or an"
                                + " allocation over the bound (reproduce one with new Mutator(seed))")
                .isEmpty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theCommandLineShowsOneLineAndNoStackTraceForMutatedBundlesAndDatasets(@TempDir Path work)
            throws Exception {
        Path b = work.resolve("bundle");
        copy(bundle, b);
        Path d = work.resolve("data");
        copy(dataset, d);
        List<String> bundleFiles =
                List.of(
                        ModelBundle.MANIFEST,
                        ModelBundle.PROMPTS,
                        ModelBundle.TOKEN_MAP,
                        ModelBundle.INDEX,
                        ModelBundle.CONFIG,
                        ModelBundle.TOKENIZER);
        List<String> dataFiles;
        try (Stream<Path> s = Files.list(d)) {
            dataFiles = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> findings = new ArrayList<>();
        int runs = 0;
        int refused = 0;
        for (int i = 0; i < 120; i++) {
            boolean onBundle = i % 2 == 0;
            List<String> files = onBundle ? bundleFiles : dataFiles;
            Path file = (onBundle ? b : d).resolve(files.get((i / 2) % files.size()));
            byte[] valid = Files.readAllBytes(file);
            long seed = SEED + 7 * i;
            Files.write(file, new Mutator(seed).mutate(valid, true));
            CliTesting.Run run =
                    onBundle
                            ? CliTesting.run(
                                    "recommend",
                                    "--model",
                                    b.toString(),
                                    "--history",
                                    "1,2,3",
                                    "--k",
                                    "5",
                                    "--threads",
                                    "1")
                            : CliTesting.run("stats", "--data", d.toString());
            runs++;
            Files.write(file, valid);
            String where = file.getFileName() + " (seed " + seed + ")";
            if (run.err().contains("\tat ") || run.out().contains("\tat ")) {
                findings.add(where + ": a stack trace reached the user: " + run.err());
            } else if (run.code() == 2) {
                refused++;
                String err = run.err().strip();
                if (!err.startsWith("lcrec: error: ") || err.contains("\n")) {
                    findings.add(where + ": expected one line 'lcrec: error: ...', found " + err);
                }
            } else if (run.code() != 0) {
                findings.add(where + ": exit " + run.code() + ": " + run.err().strip());
            }
        }
        System.out.printf("fuzz CLI: %d runs, %d refused with one line%n", runs, refused);
        assertThat(findings).isEmpty();
    }

    private static void readOrFail(Target target, Path file) throws Exception {
        try {
            target.reader().read(file);
        } catch (Exception e) {
            throw new AssertionError(target.name() + ": the valid input does not read", e);
        }
    }

    private static boolean clean(Target target, Throwable t) {
        if (t instanceof LcrecException) {
            return true;
        }
        return target.name().equals("reproduce config") && t instanceof IllegalArgumentException;
    }

    /** Puts the valid file back, and removes what a read may have left beside it. */
    private static void restore(Target target, Path file, byte[] valid) throws IOException {
        Files.write(file, valid);
        if (!Files.isDirectory(target.dir())) {
            throw new IllegalStateException(target.dir() + " disappeared");
        }
    }

    private static String kind(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return t.getClass().getSimpleName() + (st.length == 0 ? "" : " at " + st[0]);
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        String at = st.length == 0 ? "" : " at " + st[0];
        String msg = String.valueOf(t.getMessage());
        return t.getClass().getName()
                + ": "
                + (msg.length() > 300 ? msg.substring(0, 300) + "..." : msg)
                + at;
    }

    private static String summary(Map<String, int[]> outcomes) {
        StringBuilder b = new StringBuilder();
        outcomes.forEach(
                (k, v) ->
                        b.append(b.length() == 0 ? "" : "; ")
                                .append(k)
                                .append(' ')
                                .append(v[0])
                                .append('/')
                                .append(v[1]));
        return b.toString();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        }
    }
}
