package org.lcrec.inference;

/** Shares one decoder among several recommenders in a test; only the test closes it. */
final class NonClosingDecoder implements CausalDecoder {
    private final CausalDecoder d;

    NonClosingDecoder(CausalDecoder d) {
        this.d = d;
    }

    @Override
    public DecoderConfig config() {
        return d.config();
    }

    @Override
    public boolean reordersInGraph() {
        return d.reordersInGraph();
    }

    @Override
    public DecoderRun newRun() {
        return d.newRun();
    }

    @Override
    public void close() {}
}
