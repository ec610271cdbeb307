package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {
    @Test
    void sameSeedWritesIdenticalBytes(@TempDir Path tmp) throws IOException {
        SyntheticDataset.defaults().generate().write(tmp.resolve("a"));
        SyntheticDataset.defaults().generate().write(tmp.resolve("b"));
        SyntheticDataset.defaults().withSeed(7).generate().write(tmp.resolve("c"));
        for (String f : new String[] {"inter", "item", "index", "user"}) {
            String name = "Synthetic." + f + ".json";
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(name));
            assertThat(a).as(name).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(name)));
            if (!f.equals("item") && !f.equals("index")) {
                assertThat(a)
                        .as(name)
                        .isNotEqualTo(Files.readAllBytes(tmp.resolve("c").resolve(name)));
            }
        }
        assertThat(Dataset.load(tmp.resolve("a")))
                .isEqualTo(SyntheticDataset.defaults().generate());
    }

    @Test
    void invariantsHold() {
        Dataset d = Dataset.synthetic();
        Interactions in = d.interactions();
        assertThat(in.userCount()).isEqualTo(2000);
        assertThat(d.items().size()).isEqualTo(600);
        assertThat(in.minLength()).isGreaterThanOrEqualTo(5);
        assertThat(in.maxLength()).isLessThanOrEqualTo(20);
        for (int r = 0; r < in.userCount(); r++) {
            Set<Integer> seen = new HashSet<>();
            for (int p = 0; p < in.length(r); p++) {
                assertThat(seen.add(in.item(r, p))).as("repeat in user %s", in.user(r)).isTrue();
            }
        }
        assertThat(d.index().collisions().groups()).isEmpty();
        assertThat(d.index().levels()).isEqualTo(3);
        assertThat(d.items().get(0).title()).isNotEmpty();
        assertThat(d.users().preferences()).hasSize(2000);
        assertThat(d.users().testIntentions().get("0").item())
                .isEqualTo(in.sequence("0")[in.length(0) - 1]);
        // sequences are learnable: the most frequent successor of an item is much more likely than
        // chance
        int[][] next = new int[600][600];
        for (int r = 0; r < in.userCount(); r++) {
            for (int p = 1; p < in.length(r); p++) {
                next[in.item(r, p - 1)][in.item(r, p)]++;
            }
        }
        long top = 0, all = 0;
        for (int[] row : next) {
            int max = 0;
            for (int c : row) {
                max = Math.max(max, c);
                all += c;
            }
            top += max;
        }
        assertThat((double) top / all).isGreaterThan(0.3);
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThatThrownBy(() -> new SyntheticDataset(1, 0, 10, 2, 5, 8))
                .hasMessageContaining("users=0");
        assertThatThrownBy(() -> new SyntheticDataset(1, 10, 10, 20, 5, 8))
                .hasMessageContaining("topics");
        assertThatThrownBy(() -> new SyntheticDataset(1, 10, 10, 2, 5, 11))
                .hasMessageContaining("5..11");
    }
}
