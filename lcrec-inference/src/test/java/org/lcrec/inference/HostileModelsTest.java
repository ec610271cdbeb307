package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.LcrecException;
import org.lcrec.core.SemanticIndex;

/** Model directories that are corrupted or point outside themselves. */
class HostileModelsTest {
    @TempDir Path tmp;

    /** A copy of the external-data fixture, which can then be damaged. */
    private Path copyOfExternal() throws Exception {
        Path from = Fixtures.model("external");
        Path to = Files.createDirectories(tmp.resolve("external"));
        for (String f : new String[] {"model.onnx", "model.onnx.data", "config.json"}) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        return to;
    }

    @Test
    void nanWeightsFailTheSearchInsteadOfReturningNoItems() throws Exception {
        Path dir = copyOfExternal();
        Path data = dir.resolve("model.onnx.data");
        ByteBuffer nan = ByteBuffer.allocate((int) Files.size(data)).order(ByteOrder.LITTLE_ENDIAN);
        while (nan.hasRemaining()) {
            nan.putFloat(Float.NaN);
        }
        Files.write(data, nan.array());
        SemanticIndex index = Fixtures.randomIndex(20, 5, 5);
        ItemTrie trie = ItemTrie.build(index, Fixtures.vocabulary(index), Fixtures.EOS);
        for (boolean inGraph : new boolean[] {true, false}) {
            try (OrtCausalDecoder d =
                    OrtCausalDecoder.open(
                            dir.resolve("model.onnx"),
                            DecoderConfig.read(dir.resolve("config.json")),
                            DecoderOptions.cpu().withIntraOpThreads(1),
                            inGraph)) {
                assertThatThrownBy(
                                () ->
                                        BeamSearch.search(
                                                d, trie, List.of(new int[] {Fixtures.BOS, 5}), 4))
                        .as("log-softmax in graph: %s", inGraph)
                        .isInstanceOf(LcrecException.class)
                        .hasMessageContaining(dir.resolve("model.onnx").toString())
                        .hasMessageContaining(
                                "step 0, prompt 0: expected finite log-probabilities for the"
                                        + " allowed tokens, found NaN for token ");
            }
        }
    }

    @Test
    void aMinusInfinityLogProbabilityForAnAllowedTokenFailsTheSearch() {
        SemanticIndex index = Fixtures.randomIndex(20, 5, 5);
        ItemTrie trie = ItemTrie.build(index, Fixtures.vocabulary(index), Fixtures.EOS);
        // after token 5 (the prompt's last), the first code token of some item gets -infinity:
        // its probability would be exactly 0, which only non-finite weights produce
        int code = trie.edgeToken(trie.firstEdge(trie.root()));
        float[][] bias = new float[Fixtures.VOCAB][];
        bias[5] = new float[Fixtures.VOCAB];
        bias[5][code] = Float.NEGATIVE_INFINITY;
        CausalDecoder d = new HashLogitsDecoder(Fixtures.VOCAB, 3, 1f, bias);
        assertThatThrownBy(
                        () -> BeamSearch.search(d, trie, List.of(new int[] {Fixtures.BOS, 5}), 4))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining(
                        "step 0, prompt 0: expected finite log-probabilities for the allowed"
                                + " tokens, found -Infinity for token "
                                + code);
    }

    @Test
    void layerCountBeyondTheGraphFailsWithABoundedMessage() {
        Path dir = Fixtures.model("pos");
        DecoderConfig huge = new DecoderConfig(1_000_000, 2, 8, Fixtures.VOCAB, 1, 2, 0);
        assertThatThrownBy(
                        () ->
                                OrtCausalDecoder.open(
                                        dir.resolve("model.onnx"), huge, DecoderOptions.cpu()))
                .isInstanceOf(org.lcrec.core.MalformedFileException.class)
                .hasMessageContaining("1000000 layers (config.json num_hidden_layers)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2000));
    }

    @Test
    void externalDataOutsideTheModelDirectoryIsRefusedBeforeOrtOpensIt() throws Exception {
        Path dir = copyOfExternal();
        Path model = dir.resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(model);
        String name = "model.onnx.data";
        String hostile = "../x/model.data";
        assertThat(hostile).hasSameSizeAs(name);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int count = text.split(java.util.regex.Pattern.quote(name), -1).length - 1;
        assertThat(count).isPositive();
        Files.write(model, text.replace(name, hostile).getBytes(StandardCharsets.ISO_8859_1));
        Files.createDirectories(tmp.resolve("x"));
        Files.copy(dir.resolve(name), tmp.resolve("x/model.data"));
        assertThatThrownBy(() -> OrtCausalDecoder.open(model, DecoderOptions.cpu()))
                .isInstanceOf(org.lcrec.core.MalformedFileException.class)
                .hasMessageContaining(model.toString())
                .hasMessageContaining("location: expected a file inside " + dir)
                .hasMessageContaining("found '" + hostile + "'");
    }
}
