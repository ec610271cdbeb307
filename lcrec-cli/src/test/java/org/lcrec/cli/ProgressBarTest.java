package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void etaExtrapolatesTheRateSinceTheFirstUpdate() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong(0);
        try (ProgressBar bar =
                new ProgressBar(new PrintWriter(text), "train", 1000, false, now::get)) {
            // a resumed stage: its first update is at 50%, after 1 s of loading
            now.set(SECOND);
            bar.update(500, null);
            // 200 more units in 10 s: 20 units/s, 300 left -> 15 s
            now.set(11 * SECOND);
            bar.update(700, "loss 0.5");
            now.set(41 * SECOND);
            bar.update(1000, null);
        }
        String[] lines = text.toString().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0])
                .startsWith("train      [###############...............]  50%  500/1,000");
        assertThat(lines[0]).endsWith("0:01"); // no rate yet: elapsed time
        assertThat(lines[1]).contains(" 70%  700/1,000  loss 0.5  ETA 0:15");
        assertThat(lines[2]).contains("100%  1,000/1,000  0:41");
    }
}
