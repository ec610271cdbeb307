package org.lcrec.model.sasrec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training cost at the default size on a load the size of an Amazon 5-core category: 25,000 users
 * with 5 to 11 items (mean 8), 10,000 items, 2 items held out, 2 epochs with validation on 10,000
 * users. Prints wall and process CPU seconds per epoch for budgeting; asserts only that training
 * ran. Run with {@code mvn -pl lcrec-model -am test -Dtest=SasRecThroughputTest
 * -Dsurefire.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class SasRecThroughputTest {
    @Test
    void oneEpochAtTheDefaultSize() {
        int users = 25_000;
        int items = 10_000;
        SplittableRandom rng = new SplittableRandom(1);
        List<int[]> data = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            int[] s = new int[5 + rng.nextInt(7)];
            // a walk with local structure: the next item is near the previous one
            s[0] = rng.nextInt(items);
            for (int i = 1; i < s.length; i++) {
                s[i] = Math.floorMod(s[i - 1] + rng.nextInt(41) - 20, items);
            }
            data.add(s);
        }
        SasRecConfig cfg = SasRecConfig.builder().maxEpochs(2).build();
        // process CPU time (ORT's native threads included) says what the wall time would be on a
        // machine not shared with other work
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        List<String> wall = new ArrayList<>();
        long[] last = {t0, os.getProcessCpuTime()};
        try (SasRecModel m =
                new SasRecTrainer(cfg)
                        .train(
                                data,
                                2,
                                null,
                                null,
                                new SasRecListener() {
                                    @Override
                                    public void onEpoch(SasRecEpoch e) {
                                        long now = System.nanoTime();
                                        long cpu = os.getProcessCpuTime();
                                        wall.add(
                                                String.format(
                                                        "%.1f s wall, %.1f s CPU",
                                                        (now - last[0]) / 1e9,
                                                        (cpu - last[1]) / 1e9));
                                        last[0] = now;
                                        last[1] = cpu;
                                        System.out.println(e);
                                    }
                                })) {
            SasRecHistory h = m.history();
            System.out.printf(
                    "SASRec %s on %d users, %d items: %d windows, %d positions per epoch;"
                            + " training %.1f s/epoch; per epoch with validation (and setup): %s%n",
                    cfg, users, items, h.windows(), h.positions(), h.secondsPerEpoch(), wall);
            assertThat(h.epochs()).isEqualTo(2);
            assertThat(h.epochLoss().get(1)).isLessThan(h.epochLoss().get(0));
        }
    }
}
