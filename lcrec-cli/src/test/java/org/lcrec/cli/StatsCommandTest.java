package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.testing.SharedData;

class StatsCommandTest {
    @Test
    void syntheticDefaultWithJsonReport(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("stats.json");
        CliTesting.Run r = CliTesting.run("stats", "--report", report.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("Synthetic", "users                  2,000", "index levels           3");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("users").asInt()).isEqualTo(2000);
        assertThat(json.get("collidingItems").asInt()).isZero();
    }

    @Test
    void instruments() {
        CliTesting.Run r =
                CliTesting.run("stats", "--data", SharedData.dir("instruments").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("users                  24,772")
                .contains("items                  9,922")
                .contains("interactions           206,153")
                .contains("index levels           4")
                .contains("colliding items        25 ");
    }

    @Test
    void industrialReportsRebuiltUsers(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("ind.json");
        CliTesting.Run r =
                CliTesting.run(
                        "stats",
                        "--data",
                        SharedData.dir("industrial").toString(),
                        "--report",
                        report.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("items                  3,686")
                .contains("users rebuilt          3,285 of 3,285");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("import").get("rebuilt").asInt()).isEqualTo(3285);
    }

    @Test
    void badInputIsOneLine(@TempDir Path tmp) {
        CliTesting.Run r = CliTesting.run("stats", "--data", tmp.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("lcrec: error: ")
                .contains("nowhere")
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }
}
