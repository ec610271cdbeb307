package org.lcrec.model.llm;

import java.util.Arrays;
import java.util.Locale;

/**
 * From-scratch decoder sizes for CPU training, with a tokenizer chosen by the user (its vocabulary
 * size and special ids fill the config). Tied embeddings keep the parameter count down.
 */
public enum LlamaPreset {
    /** d=128, 2 layers, 4 heads (2 KV), SwiGLU 352: smoke tests and demos. */
    CPU_TINY(128, 2, 4, 2, 352),
    /** d=256, 4 layers, 4 heads (2 KV), SwiGLU 688: the laptop default. */
    CPU_SMALL(256, 4, 4, 2, 688),
    /** d=512, 8 layers, 8 heads (4 KV), SwiGLU 1376. */
    CPU_BASE(512, 8, 8, 4, 1376);

    private final int hidden;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int ffn;

    LlamaPreset(int hidden, int layers, int heads, int kvHeads, int ffn) {
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.ffn = ffn;
    }

    /** The CLI name, e.g. {@code cpu-small}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The preset called {@code name} ({@code cpu-small} or {@code CPU_SMALL}). */
    public static LlamaPreset byName(String name) {
        for (LlamaPreset p : values()) {
            if (p.cliName().equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown preset '"
                        + name
                        + "', expected one of "
                        + Arrays.stream(values()).map(LlamaPreset::cliName).toList());
    }

    /**
     * The config for a tokenizer with {@code vocabSize} ids (index tokens included) and the given
     * special ids (-1 when absent); max length 1024, rope_theta 10000.
     */
    public LlamaConfig config(int vocabSize, int bos, int eos, int pad) {
        return LlamaConfig.builder()
                .vocabSize(vocabSize)
                .hiddenSize(hidden)
                .intermediateSize(ffn)
                .numLayers(layers)
                .numHeads(heads)
                .numKvHeads(kvHeads)
                .maxPositions(1024)
                .tieWordEmbeddings(true)
                .bosTokenId(bos)
                .eosTokenId(eos)
                .padTokenId(pad)
                .build();
    }
}
