package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lcrec.core.SemanticIndex;
import org.lcrec.model.export.DecoderExport;
import org.lcrec.model.export.ExportOptions;
import org.lcrec.model.llm.LlamaConfig;
import org.lcrec.model.llm.LlamaModel;

/**
 * Interoperability: decoders exported by lcrec-model (with and without {@code beam_idx}) serve
 * through {@link OrtCausalDecoder}, and the beam search over them equals exhaustive search.
 */
class LcrecModelExportTest {
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lcrecModelExportEqualsExhaustiveSearch(boolean beamIdx, @TempDir Path dir) {
        LlamaConfig c =
                LlamaConfig.builder()
                        .vocabSize(Fixtures.VOCAB)
                        .hiddenSize(32)
                        .intermediateSize(48)
                        .numLayers(2)
                        .numHeads(4)
                        .numKvHeads(2)
                        .eosTokenId(Fixtures.EOS)
                        .bosTokenId(Fixtures.BOS)
                        .build();
        DecoderExport.export(
                LlamaModel.random(c, 11), dir, ExportOptions.defaults().withBeamIdx(beamIdx));
        SemanticIndex index = Fixtures.randomIndex(25, 2, 4);
        IndexVocabulary v = Fixtures.vocabulary(index);
        try (OrtCausalDecoder d = OrtCausalDecoder.open(dir, DecoderOptions.cpu())) {
            assertThat(d.reordersInGraph()).isEqualTo(beamIdx);
            ItemTrie trie = ItemTrie.build(index, v, Fixtures.EOS);
            int[] prompt = {Fixtures.BOS, 33, 104, 201, 302, 7};
            List<BeamSearchTest.Scored> ref =
                    BeamSearchTest.exhaustive(d, index, v, prompt, Fixtures.EOS);
            BeamResult got = BeamSearch.search(d, trie, List.of(prompt), 25).get(0);
            BeamSearchTest.assertSameRanking(got, trie, ref, 25);
        }
    }
}
